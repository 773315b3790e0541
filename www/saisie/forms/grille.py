"""The monthly grid of hours: one form per line, the formset, the confirmation of totals above the alert."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from beneficiaires.models import Beneficiaire
from insertion import regles
from insertion.enums import Modalite, TypeContrat
from insertion.models import Clause, HeuresRealisees
from insertion.regles import HEURES_MAX_PAR_LIGNE
from insertion.services import LigneHeures
from marches.entreprises import nouvel_employeur
from marches.enums import TypeStructure
from marches.models import Entreprise
from marches.siret import normaliser_siret, valider_siret
from portail.formulaires import BootstrapForm

# Lines of one page offering the whole list of people (the empty ones): a <select> of every person per line
# would make the page grow with lines × people.
LISTES_COMPLETES_MAX = 20
AUCUNE_PERSONNE = "— choisir une personne —"


@dataclass
class ContexteGrille:
    """What every line of the grid needs, loaded once for the whole grid (no query per line)."""

    clause: Clause
    mois: datetime.date
    personnes: list[Beneficiaire]
    rangees: dict[int, HeuresRealisees]  # rows of this clause × month the user may change
    entreprises: dict[str, Entreprise] = field(default_factory=dict)  # by SIRET
    # Employers typed with an unknown SIRET, unsaved until the grid is: one object per SIRET for every line.
    nouveaux_employeurs: dict[str, Entreprise] = field(default_factory=dict)
    listes_completes: int = 0  # lines given the whole list so far

    @cached_property
    def personnes_par_id(self) -> dict[str, Beneficiaire]:
        return {str(p.public_id): p for p in self.personnes}

    @cached_property
    def etiquettes(self) -> dict[str, str]:
        return {str(p.public_id): f"{p} (né·e le {p.date_naissance:%d/%m/%Y})" for p in self.personnes}

    @cached_property
    def _toutes_les_options(self) -> SafeString:
        return format_html_join("", '<option value="{}">{}</option>', self.etiquettes.items())

    def options_pour(self, identifiant: str) -> SafeString:
        """The options of one line: its person only when it has one, else the whole list (a few lines only)."""
        options = format_html('<option value="">{}</option>', AUCUNE_PERSONNE)
        if identifiant in self.etiquettes:
            return options + format_html(
                '<option value="{}" selected>{}</option>', identifiant, self.etiquettes[identifiant]
            )
        if self.listes_completes >= LISTES_COMPLETES_MAX:
            return options
        self.listes_completes += 1
        return options + self._toutes_les_options


class SelectPersonne(forms.Select):
    """The people <select>, its options rendered beforehand: the whole list is built once per grid, in Python."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = SafeString()

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            self.options,
        )


class ChoixPersonneField(forms.ChoiceField):
    """The person of a line, checked against the people offered (a dict), not by scanning the options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.personnes = {}

    def valid_value(self, value):
        return str(value) in self.personnes


def _sans_zeros_inutiles(valeur: Decimal) -> Decimal:
    """40.00 is shown as 40 and 7.50 as 7,5; the value is the same."""
    return valeur.quantize(Decimal(1)) if valeur == valeur.to_integral_value() else valeur.normalize()


CHOIX_MODALITE = [("", "— modalité —"), *Modalite.choices]
CHOIX_CONTRAT = [("", "— contrat —"), *TypeContrat.choices]
CHOIX_STRUCTURE = [("", "— type de structure —"), *TypeStructure.choices]


class LigneHeuresForm(BootstrapForm):
    """One line of the grid: an existing row of the month (hours and contract editable) or a new line."""

    CHAMPS_CLE = ("beneficiaire", "siret_employeur", "modalite")

    id_rangee = forms.IntegerField(required=False, widget=forms.HiddenInput)
    beneficiaire = ChoixPersonneField(
        label="Personne",
        required=False,
        widget=SelectPersonne,
        error_messages={
            "invalid_choice": "Cette personne n'est pas proposée pour ce marché : ajoutez-la avec le bouton "
            "« Ajouter une personne »."
        },
    )
    siret_employeur = forms.CharField(
        label="SIRET de l'employeur",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "size": 16, "list": "employeurs"}
        ),
    )
    # Asked on the line when its SIRET is valid but unknown: the employer is created "à vérifier" with the grid.
    raison_sociale_employeur = forms.CharField(
        label="Raison sociale du nouvel employeur",
        required=False,
        max_length=255,
        error_messages={"max_length": "La raison sociale compte au plus 255 caractères."},
    )
    type_structure_employeur = forms.ChoiceField(
        label="Type de structure du nouvel employeur",
        choices=CHOIX_STRUCTURE,
        required=False,
        error_messages={"invalid_choice": "Choisissez un type de structure de la liste."},
    )
    modalite = forms.ChoiceField(label="Modalité", choices=CHOIX_MODALITE, required=False)
    type_contrat = forms.ChoiceField(label="Type de contrat", choices=CHOIX_CONTRAT, required=False)
    heures = forms.DecimalField(
        label="Heures",
        required=False,
        localize=True,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=HEURES_MAX_PAR_LIGNE,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={
            "invalid": "Saisissez un nombre d'heures, par exemple 35 ou 7,5.",
            "min_value": "Le nombre d'heures doit être supérieur à 0.",
            "max_value": f"Une ligne ne peut pas dépasser {HEURES_MAX_PAR_LIGNE} heures dans le mois.",
        },
    )
    supprimer = forms.BooleanField(label="Supprimer", required=False)

    def __init__(self, *args, contexte: ContexteGrille, **kwargs):
        super().__init__(*args, **kwargs)
        self.contexte = contexte
        self.action = None  # None (nothing to write), "enregistrer" or "supprimer"
        self.ligne = None
        self.entreprise = None
        self.employeur_inconnu = False  # a valid SIRET the portal does not know: its name and type are asked
        self.rangee_introuvable = False
        self.rangee = self._rangee_demandee()
        self.fields["beneficiaire"].personnes = contexte.personnes_par_id
        if self.rangee is None:
            self.fields["beneficiaire"].widget.options = contexte.options_pour(self._personne_saisie())
            del self.fields["supprimer"]
            if self.rangee_introuvable:
                self.fields["id_rangee"].disabled = True
            else:
                self.entreprise = contexte.entreprises.get(self._siret_saisi())
            return
        # An existing row: its key (person, employer, modality) is fixed; to change it, delete and add a line.
        rangee = self.rangee
        self.entreprise = rangee.employeur
        self.initial |= {
            "id_rangee": rangee.pk,
            "beneficiaire": str(rangee.beneficiaire.public_id),
            "siret_employeur": rangee.employeur.siret or rangee.employeur.autre_identifiant,
            "modalite": rangee.modalite,
            "type_contrat": rangee.type_contrat,
            "heures": _sans_zeros_inutiles(rangee.heures),
        }
        self.fields["beneficiaire"].personnes = {self.initial["beneficiaire"]: rangee.beneficiaire}
        for nom in self.CHAMPS_CLE:
            self.fields[nom].disabled = True
        # The values shown when the page was loaded travel with the form: a row changed by someone else
        # meanwhile is detected instead of silently overwritten.
        for nom in ("heures", "type_contrat"):
            self.fields[nom].show_hidden_initial = True

    def _rangee_demandee(self):
        brut = self.data.get(self.add_prefix("id_rangee")) if self.is_bound else self.initial.get("id_rangee")
        if brut in (None, ""):
            return None
        try:
            rangee = self.contexte.rangees.get(int(brut))
        except (TypeError, ValueError):
            rangee = None
        self.rangee_introuvable = rangee is None
        return rangee

    def _personne_saisie(self) -> str:
        brut = (
            self.data.get(self.add_prefix("beneficiaire"))
            if self.is_bound
            else self.initial.get("beneficiaire")
        )
        return str(brut or "")

    def _siret_saisi(self):
        brut = self.data.get(self.add_prefix("siret_employeur")) if self.is_bound else None
        if brut is None:
            brut = self.initial.get("siret_employeur", "")
        return normaliser_siret(brut or "")

    @property
    def prerempli(self):
        return bool(self.initial.get("prerempli"))

    @property
    def libelle_employeur(self):
        if self.entreprise is None:
            return ""
        if self.entreprise.pk is None:
            return f"{self.entreprise.raison_sociale} — nouvel employeur, vérifié ensuite par le Département"
        return self.entreprise.raison_sociale

    def clean(self):
        donnees = super().clean()
        if self.rangee_introuvable:
            raise ValidationError(
                "Cette ligne a été supprimée ou validée entre-temps : rechargez la page pour voir la saisie à jour."
            )
        if self.rangee is not None:
            self._clean_rangee(donnees)
        else:
            self._clean_nouvelle_ligne(donnees)
        return donnees

    def _valeur_chargee(self, nom):
        """The value the page showed when it was loaded (current value if the browser did not send it)."""
        actuelle = getattr(self.rangee, nom)
        cle = self.add_initial_prefix(nom)
        if cle not in self.data:
            return actuelle
        try:
            return self.fields[nom].to_python(self.data[cle])
        except ValidationError:
            return actuelle

    def _clean_rangee(self, donnees):
        rangee = self.rangee
        if donnees.get("supprimer"):
            self.action = "supprimer"
            return
        if self.errors:
            return
        heures, type_contrat = donnees.get("heures"), donnees.get("type_contrat")
        if heures is None:
            self.add_error("heures", "Indiquez les heures, ou cochez « Supprimer » pour retirer la ligne.")
            return
        if not type_contrat:
            self.add_error("type_contrat", "Choisissez le type de contrat.")
            return
        saisi = (heures, type_contrat)
        actuel = (rangee.heures, rangee.type_contrat)
        charge = (self._valeur_chargee("heures"), self._valeur_chargee("type_contrat"))
        if saisi in (actuel, charge):
            return  # nothing changed, or only someone else changed the row: keep the row as it is
        if charge != actuel:
            raise ValidationError(
                regles.message_modifiee_entre_temps(personne=rangee.beneficiaire, mois=rangee.mois)
            )
        self.action = "enregistrer"
        self.ligne = LigneHeures(
            clause=self.contexte.clause,
            mois=self.contexte.mois,
            beneficiaire=rangee.beneficiaire,
            employeur=rangee.employeur,
            heures=heures,
            modalite=rangee.modalite,
            type_contrat=type_contrat,
            attendu=charge,
        )

    def _clean_nouvelle_ligne(self, donnees):
        heures = donnees.get("heures")
        if heures is None:
            return  # a line without hours is ignored (the pre-filled lines of people who did not work)
        personne = None
        if identifiant := donnees.get("beneficiaire"):
            personne = self.contexte.personnes_par_id.get(identifiant)
        else:
            self.add_error("beneficiaire", "Choisissez la personne qui a travaillé ces heures.")
        entreprise = self._clean_employeur(donnees)
        if not donnees.get("modalite"):
            self.add_error("modalite", "Choisissez la modalité.")
        if not donnees.get("type_contrat"):
            self.add_error("type_contrat", "Choisissez le type de contrat.")
        if self.errors or personne is None or entreprise is None:
            return
        self.action = "enregistrer"
        self.ligne = LigneHeures(
            clause=self.contexte.clause,
            mois=self.contexte.mois,
            beneficiaire=personne,
            employeur=entreprise,
            heures=heures,
            modalite=donnees["modalite"],
            type_contrat=donnees["type_contrat"],
        )

    def _clean_employeur(self, donnees):
        saisie = donnees.get("siret_employeur", "")
        if not saisie:
            self.add_error("siret_employeur", "Indiquez le SIRET de l'employeur.")
            return None
        try:
            valider_siret(saisie)
        except ValidationError as erreur:
            self.add_error("siret_employeur", erreur)
            return None
        siret = normaliser_siret(saisie)
        entreprise = self.contexte.entreprises.get(siret)
        if entreprise is None:
            entreprise = self._clean_nouvel_employeur(siret, donnees)
        self.entreprise = entreprise
        return entreprise

    def _clean_nouvel_employeur(self, siret, donnees):
        """A valid SIRET no company has: the line asks for its name and structure type (no JavaScript needed:
        the grid comes back with both fields on this line)."""
        self.employeur_inconnu = True
        raison_sociale = " ".join(donnees.get("raison_sociale_employeur", "").split())
        type_structure = donnees.get("type_structure_employeur", "")
        if "raison_sociale_employeur" in self.errors or "type_structure_employeur" in self.errors:
            return None
        if not raison_sociale:
            self.add_error(
                "raison_sociale_employeur",
                f"Aucune entreprise n'est enregistrée avec le SIRET {siret} : vérifiez-le, ou indiquez la raison "
                "sociale de ce nouvel employeur (le Département le vérifiera).",
            )
        if not type_structure:
            self.add_error("type_structure_employeur", "Choisissez le type de structure du nouvel employeur.")
        if not (raison_sociale and type_structure):
            return None
        nouveaux = self.contexte.nouveaux_employeurs
        if siret not in nouveaux:
            nouveaux[siret] = nouvel_employeur(
                siret=siret, raison_sociale=raison_sociale, type_structure=type_structure
            )
        return nouveaux[siret]


class BaseGrilleFormSet(forms.BaseFormSet):
    def __init__(self, *args, contexte: ContexteGrille, **kwargs):
        self.contexte = contexte
        super().__init__(*args, form_kwargs={"contexte": contexte}, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Every line runs its checks, even one the browser sent unchanged: a line is ignored only by rule.
        form.empty_permitted = False
        return form

    @staticmethod
    def sirets_postes(data, prefix) -> set[str]:
        """The SIRETs typed in a submitted grid, to load their companies in one query."""
        debut, fin = f"{prefix}-", "-siret_employeur"
        return {
            normaliser_siret(valeur)
            for cle, valeur in data.items()
            if cle.startswith(debut) and cle.endswith(fin)
        } - {""}

    @staticmethod
    def personnes_postees(data, prefix) -> set[str]:
        debut, fin = f"{prefix}-", "-beneficiaire"
        valides = set()
        for cle, valeur in data.items():
            if cle.startswith(debut) and cle.endswith(fin):
                try:
                    valides.add(str(uuid.UUID(valeur)))
                except ValueError:
                    continue
        return valides


GrilleFormSet = forms.formset_factory(
    LigneHeuresForm, formset=BaseGrilleFormSet, extra=0, max_num=500, absolute_max=500, validate_max=True
)


class ConfirmationForm(BootstrapForm):
    confirmer_depassement = forms.BooleanField(label="Je confirme ces heures", required=False)
