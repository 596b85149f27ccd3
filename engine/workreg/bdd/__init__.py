"""workreg's pytest-bdd step library and pytest plugin (registered through the ``pytest11`` entry point).

Installing workreg lets any folder holding ``.feature`` files and policy YAML run under plain
``pytest``: the plugin collects the feature files and provides the steps (see the README's step
vocabulary, generated from :mod:`workreg.bdd.steps`).
"""
