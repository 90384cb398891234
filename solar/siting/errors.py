"""The one error the siting inputs raise for bad input: it names the file (or argument) and the problem."""


class SitingInputError(ValueError):
    """Bad siting input (a DEM, land-cover raster, exclusion layer, rule argument).

    The message reads ``where: problem``; ``where`` is the file (or the argument) concerned.
    """

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
