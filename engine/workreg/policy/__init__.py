"""Policies: model, load, graph, compile, decide; the registry and check."""
