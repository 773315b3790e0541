"""The two failures of a DECP import: the whole file, or one record."""


class ImportDecpImpossible(Exception):
    """The file or the parameters prevent the import; nothing was written. The message is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class EnregistrementInvalide(Exception):
    """One record cannot be imported: it is skipped and listed with this reason."""
