"""The one error the wind package raises for bad input: it says what and where."""


class WindInputError(ValueError):
    """Bad input to a wind yield: names the field (and the file and line when there is one) and what is allowed."""

    def __init__(self, field: str, message: str, where: str = "") -> None:
        self.field = field
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}: {message}")
