"""The one error the grid package raises for bad input: it says what and where."""


class GridInputError(ValueError):
    """Bad grid input (a substation file, a target set): names the place, the field and the problem.

    The message reads ``where: field: message``, where ``where`` is ``file:line`` for a CSV (1-based file
    line, header included) or ``file: feature N`` for a vector file (1-based, in file order).
    """

    def __init__(self, field: str, message: str, where: str = "") -> None:
        self.field = field
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}: {message}")
