"""Policy versions: compare, render and the diagrams set."""
