"""Policy versions: compare (and its text), Graphviz diagrams (dot) and the diagrams folder."""
