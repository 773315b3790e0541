"""The failure of a whole statement file."""


class FichierIllisible(Exception):
    """The file as a whole cannot be read: wrong format, too big, missing columns."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
