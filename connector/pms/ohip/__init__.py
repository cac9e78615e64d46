"""OPERA Cloud through the Oracle Hospitality Integration Platform (OHIP)."""
