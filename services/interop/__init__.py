"""Files other tools read and write: MS Project XML (MSPDI), xlsx and CSV. Plain functions over
the dataclasses in `plan.py`; no gRPC, so the CLI and the gateway share them."""
