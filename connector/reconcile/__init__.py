"""The reconciler: makes Zoom show what the rooms' desired state says, with the fewest calls."""
