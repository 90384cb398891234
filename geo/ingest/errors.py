"""The error of ingesting a plan: a file that cannot be read as a plan text, or a bad argument."""


class IngestError(ValueError):
    """A plan text that cannot be ingested (not text, unknown encoding, unknown adcode, a clash on accept)."""
