"""workreg: DMTF DSP4003 work register policies as data, and the approvals each change needs."""

__version__ = "0.1.0"
