"""Work registers: read DSP4003 work register documents into a model, lint them and diff two versions.

Submodules are imported on demand (``workreg.registers.read``, ``.lint``, ``.diff``, ...) so that
importing this package stays cheap for the command-line start-up.
"""
