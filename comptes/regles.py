"""Account rules, each with its French message, written once."""

from comptes.enums import Role
from portail.francais import pluriel

NOMBRE_DE_CODES_DE_SECOURS = 10

CODE_INCORRECT = (
    "Code incorrect : saisissez les 6 chiffres affichés en ce moment par votre application, "
    "ou l'un de vos codes de secours."
)
CODE_D_ACTIVATION_INCORRECT = (
    "Code incorrect : saisissez les 6 chiffres affichés en ce moment par l'application où vous venez "
    "d'ajouter le portail (vérifiez aussi l'heure de votre téléphone)."
)
TROP_D_ESSAIS = "Trop de codes erronés : attendez {secondes} avant de réessayer."
REINITIALISATION_DE_SOI = (
    "Vous ne pouvez pas réinitialiser votre propre double facteur : demandez-le à un collègue du Département."
)
REINITIALISATION_D_UN_ADMINISTRATEUR = (
    "Seul un administrateur réinitialise le double facteur d'un autre administrateur."
)


def doit_avoir_double_facteur(user) -> bool:
    """Département staff and superusers confirm their sign-in with a second factor; clerks and readers never."""
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.DEPARTEMENT))


def message_trop_d_essais(secondes: int) -> str:
    secondes = max(1, secondes)
    return TROP_D_ESSAIS.format(secondes=pluriel(secondes, "seconde"))
