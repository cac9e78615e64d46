"""A FIAS PMS simulator over a real socket (the sandbox side of the connector's FIAS link)."""

from connector.sandbox.fias_pms.book import InHouse
from connector.sandbox.fias_pms.simulator import FiasPms, PmsConfig, PmsStyle

__all__ = ["FiasPms", "InHouse", "PmsConfig", "PmsStyle"]
