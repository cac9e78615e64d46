"""A faithful emulator of the part of Zoom the connector uses, with a seeded demo hotel.

For the out-of-the-box run (`connector sandbox`), tests and benchmarks. Production code paths
must never import this package.
"""

from connector.sandbox.clock import SandboxClock
from connector.sandbox.sandbox import Sandbox, SandboxConfig

__all__ = ["Sandbox", "SandboxClock", "SandboxConfig"]
