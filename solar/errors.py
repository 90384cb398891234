"""The one error the solar package raises for bad input: it says what and where."""


class SolarInputError(ValueError):
    """Bad input to a yield computation: names the field (and the file and line when there is one)."""

    def __init__(self, field: str, message: str, where: str = "") -> None:
        self.field = field
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}: {message}")
