from www.marches.forms.decp import TAILLE_MAX_DECP_OCTETS, ImportDecpForm

__all__ = ["TAILLE_MAX_DECP_OCTETS", "ImportDecpForm"]
