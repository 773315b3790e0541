"""Creating and changing a contract: the contract and its buyer, then one form per lot with its holder and clause."""

import re
from decimal import Decimal

from django import forms

from insertion import regles as regles_insertion
from insertion.clauses import ClauseSaisie
from insertion.enums import BaseJuridique
from marches import regles
from marches.enums import NatureMarche, TypeAcheteur, TypeStructure
from marches.selectors import (
    acheteur_par_siret,
    acheteurs_a_choisir,
    entreprise_par_siret,
    entreprises_du_nom,
    epci_du_territoire,
    reference_prise,
)
from marches.services import LotSaisi, NouvelAcheteur, NouvelleEntreprise
from marches.siret import normaliser_siret, valider_siret
from portail.formulaires import BootstrapForm
from portail.recherche import plier
from www.calibrage.forms import NombreFrancaisField
from www.saisie.forms.personne import DateSaisieField

MONTANT_MAX = Decimal("999999999999.99")
# "Bâtiments Durand (12345678901234)", as the list of known companies offers them.
SIRET_ENTRE_PARENTHESES = re.compile(r"\(([\d\s.\-\u00a0\u202f]{14,20})\)\s*$")
LOTS_MAX = 50


def _montant(libelle: str, **kwargs) -> NombreFrancaisField:
    return NombreFrancaisField(
        label=libelle,
        exemple="250 000 ou 12 500,50",
        min_value=Decimal(0),
        max_value=MONTANT_MAX,
        max_digits=14,
        error_messages={
            "required": "Indiquez le montant HT.",
            "min_value": regles.MESSAGE_MONTANT_NEGATIF,
            "max_value": "Le montant HT ne peut dépasser 999 999 999 999,99 €.",
            "max_digits": "Indiquez au plus 12 chiffres avant la virgule.",
        },
        **kwargs,
    )


class ChoixAcheteurField(forms.ModelChoiceField):
    def label_from_instance(self, acheteur):
        return f"{acheteur.nom} ({acheteur.siret})"


class MarcheForm(BootstrapForm):
    acheteur = ChoixAcheteurField(
        label="Acheteur",
        queryset=acheteurs_a_choisir().none(),
        required=False,
        empty_label="— acheteur à créer ci-dessous —",
        error_messages={"invalid_choice": "Choisissez un acheteur de la liste."},
    )
    acheteur_siret = forms.CharField(
        label="SIRET du nouvel acheteur", max_length=20, required=False, help_text="14 chiffres."
    )
    acheteur_nom = forms.CharField(label="Nom du nouvel acheteur", max_length=255, required=False)
    acheteur_type = forms.ChoiceField(
        label="Type du nouvel acheteur",
        choices=TypeAcheteur.choices,
        initial=TypeAcheteur.COMMUNE,
        required=False,  # only for a new buyer
    )
    reference = forms.CharField(
        label="Référence", max_length=50, error_messages={"required": "Indiquez la référence du marché."}
    )
    objet = forms.CharField(
        label="Objet",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez l'objet du marché."},
    )
    nature = forms.ChoiceField(label="Nature", choices=NatureMarche.choices)
    montant_ht = _montant("Montant HT du marché (€)")
    date_notification = DateSaisieField(label="Date de notification", required=False)
    date_debut = DateSaisieField(
        label="Début d'exécution", error_messages={"required": "Indiquez le début d'exécution."}
    )
    date_fin = DateSaisieField(
        label="Fin d'exécution", error_messages={"required": "Indiquez la fin d'exécution."}
    )
    epci = forms.ModelChoiceField(
        label="EPCI de rattachement",
        queryset=epci_du_territoire().none(),
        required=False,
        empty_label="celui de l'acheteur",
        help_text="Détermine les agents d'EPCI qui voient le marché et y déclarent des heures.",
        error_messages={"invalid_choice": "Choisissez un EPCI de la liste."},
    )
    clause_sociale = forms.BooleanField(label="Clause sociale", required=False)
    critere_social = forms.BooleanField(label="Critère social", required=False)
    marche_reserve = forms.BooleanField(label="Marché réservé", required=False)

    def __init__(self, *args, marche=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.marche = marche
        self.fields["acheteur"].queryset = acheteurs_a_choisir()
        self.fields["epci"].queryset = epci_du_territoire()

    def clean_acheteur_siret(self):
        siret = normaliser_siret(self.cleaned_data["acheteur_siret"])
        if siret:
            valider_siret(siret)
        return siret

    def clean(self):
        donnees = super().clean()
        acheteur, siret = donnees.get("acheteur"), donnees.get("acheteur_siret")
        nom = (donnees.get("acheteur_nom") or "").strip()
        if "acheteur" in self.errors or "acheteur_siret" in self.errors:
            pass
        elif acheteur is not None and (siret or nom):
            self.add_error("acheteur_siret", "Choisissez un acheteur connu ou créez-en un, pas les deux.")
        elif acheteur is None and not (siret or nom):
            self.add_error(
                "acheteur", "Choisissez l'acheteur, ou indiquez le SIRET et le nom d'un nouvel acheteur."
            )
        elif acheteur is None:
            if not siret:
                self.add_error("acheteur_siret", "Indiquez le SIRET du nouvel acheteur.")
            elif acheteur_par_siret(siret) is not None:
                self.add_error("acheteur_siret", regles.MESSAGE_ACHETEUR_EXISTANT)
            if not nom:
                self.add_error("acheteur_nom", "Indiquez le nom du nouvel acheteur.")
            if not donnees.get("acheteur_type") and "acheteur_type" not in self.errors:
                self.add_error("acheteur_type", "Choisissez le type du nouvel acheteur.")
        if acheteur is not None and reference_prise(
            acheteur=acheteur, reference=donnees.get("reference", ""), sauf=self.marche
        ):
            self.add_error("reference", regles.MESSAGE_REFERENCE_EN_DOUBLE)
        if message := regles.erreur_periode(debut=donnees.get("date_debut"), fin=donnees.get("date_fin")):
            self.add_error("date_fin", message)
        return donnees

    @property
    def acheteur_saisi(self):
        donnees = self.cleaned_data
        if donnees.get("acheteur") is not None:
            return donnees["acheteur"]
        return NouvelAcheteur(
            siret=donnees["acheteur_siret"],
            nom=donnees["acheteur_nom"],
            type=donnees["acheteur_type"],
            epci=donnees.get("epci"),
        )

    @property
    def valeurs(self) -> dict:
        champs = ["reference", "objet", "nature", "montant_ht", "date_notification", "date_debut", "date_fin"]
        champs += ["epci", "clause_sociale", "critere_social", "marche_reserve"]
        return {champ: self.cleaned_data[champ] for champ in champs}


def initial_du_marche(marche) -> dict:
    champs = ["acheteur", "reference", "objet", "nature", "montant_ht", "date_notification", "date_debut"]
    champs += ["date_fin", "epci", "clause_sociale", "critere_social", "marche_reserve"]
    return {champ: getattr(marche, champ) for champ in champs}


# --- lots --------------------------------------------------------------------------------------------


def _pourcentage(libelle: str, nom: str) -> NombreFrancaisField:
    hors_bornes = regles_insertion.message_pourcentage(nom)
    return NombreFrancaisField(
        label=libelle,
        exemple="50 ou 5,5",
        required=False,
        min_value=Decimal(0),
        max_value=regles_insertion.POURCENTAGE_MAX,
        error_messages={"min_value": hors_bornes, "max_value": hors_bornes},
    )


def libelle_entreprise(entreprise) -> str:
    return f"{entreprise.raison_sociale} ({entreprise.identifiant})"


class LotForm(BootstrapForm):
    numero = forms.IntegerField(
        label="Numéro du lot",
        min_value=1,
        max_value=999,
        error_messages={
            "required": "Indiquez le numéro du lot.",
            "invalid": "Le numéro du lot est un nombre entier.",
            "min_value": "Le numéro du lot est au moins 1.",
            "max_value": "Le numéro du lot est au plus 999.",
        },
    )
    intitule = forms.CharField(
        label="Intitulé du lot", max_length=500, error_messages={"required": "Indiquez l'intitulé du lot."}
    )
    montant_ht = _montant("Montant HT du lot (€)")
    titulaire = forms.CharField(
        label="Titulaire (SIRET ou raison sociale d'une entreprise connue)",
        max_length=300,
        required=False,
        help_text="Pour une entreprise inconnue du portail : son SIRET ici, sa raison sociale et son type ci-dessous.",
        widget=forms.TextInput(attrs={"list": "entreprises-connues", "autocomplete": "off"}),
    )
    titulaire_raison_sociale = forms.CharField(
        label="Raison sociale du nouveau titulaire", max_length=255, required=False
    )
    titulaire_type_structure = forms.ChoiceField(
        label="Type de structure du nouveau titulaire",
        choices=TypeStructure.choices,
        initial=TypeStructure.ENTREPRISE,
        required=False,  # only for a new holder
    )
    base_juridique = forms.ChoiceField(
        label="Clause d'insertion",
        choices=[("", "aucune clause d'insertion"), *BaseJuridique.choices],
        required=False,
    )
    heures_reservees = NombreFrancaisField(
        label="Heures réservées",
        exemple="833 ou 1 200",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999999.99"),
        help_text="Tapées telles que le marché les fixe ; ou laissez vide et indiquez les paramètres du calcul.",
        error_messages={
            "min_value": regles_insertion.MESSAGE_HEURES_FIXEES,
            "max_value": "Les heures réservées ne peuvent dépasser 99 999 999,99 h.",
        },
    )
    part_main_oeuvre = _pourcentage("Part de main-d'œuvre (%)", "La part de main-d'œuvre")
    taux_insertion = _pourcentage("Taux d'insertion (%)", "Le taux d'insertion")
    cout_horaire = NombreFrancaisField(
        label="Coût horaire (€/h)",
        exemple="30 ou 28,50",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999.99"),
        error_messages={
            "min_value": regles_insertion.MESSAGE_COUT_HORAIRE,
            "max_value": "Le coût horaire ne peut dépasser 99 999,99 €/h.",
        },
    )

    def __init__(self, *args, lot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lot = lot
        self.titulaire_choisi = None

    def clean_titulaire(self):
        texte = " ".join(self.cleaned_data["titulaire"].split())
        if not texte:
            return ""
        actuel = self.lot.titulaire if self.lot is not None else None
        if actuel is not None and texte == libelle_entreprise(actuel):
            self.titulaire_choisi = actuel  # unchanged (a foreign company, known by another identifier, too)
            return texte
        entre_parentheses = SIRET_ENTRE_PARENTHESES.search(texte)
        siret = normaliser_siret(entre_parentheses.group(1) if entre_parentheses else texte)
        if siret.isdigit():
            valider_siret(siret)
            self.titulaire_choisi = entreprise_par_siret(siret) or siret
            return texte
        homonymes = entreprises_du_nom(plier(texte))
        if not homonymes:
            raise forms.ValidationError(
                "Aucune entreprise connue ne porte ce nom : indiquez son SIRET pour la créer."
            )
        if len(homonymes) > 1:
            raise forms.ValidationError(
                "Plusieurs entreprises portent ce nom : indiquez le SIRET du titulaire."
            )
        self.titulaire_choisi = homonymes[0]
        return texte

    def clean(self):
        donnees = super().clean()
        nouveau = isinstance(self.titulaire_choisi, str)
        if (
            nouveau
            and not donnees.get("titulaire_type_structure")
            and "titulaire_type_structure" not in self.errors
        ):
            self.add_error(
                "titulaire_type_structure", "Choisissez le type de structure du nouveau titulaire."
            )
        if nouveau and not (donnees.get("titulaire_raison_sociale") or "").strip():
            self.add_error(
                "titulaire_raison_sociale",
                "Aucune entreprise connue n'a ce SIRET : indiquez sa raison sociale et son type de structure "
                "pour la créer.",
            )
        entrees = [donnees.get(champ) for champ in ("part_main_oeuvre", "taux_insertion", "cout_horaire")]
        a_une_clause = bool(donnees.get("base_juridique"))
        if not a_une_clause and (
            donnees.get("heures_reservees") is not None or any(e is not None for e in entrees)
        ):
            self.add_error("base_juridique", "Choisissez la base juridique de la clause d'insertion.")
        if not a_une_clause and getattr(self.lot, "clause_chargee", None) is not None:
            self.add_error(
                "base_juridique", "Ce lot porte une clause d'insertion : elle ne peut être retirée."
            )
        champs_en_erreur = {"part_main_oeuvre", "taux_insertion", "cout_horaire"} & set(self.errors)
        if any(e is not None for e in entrees) and None in entrees and not champs_en_erreur:
            self.add_error(
                None,
                "Pour calculer les heures réservées, indiquez la part de main-d'œuvre, le taux d'insertion et le "
                "coût horaire (ou seulement les heures réservées).",
            )
        return donnees

    @property
    def lot_saisi(self) -> LotSaisi:
        donnees = self.cleaned_data
        titulaire = self.titulaire_choisi
        if isinstance(titulaire, str):
            titulaire = NouvelleEntreprise(
                siret=titulaire,
                raison_sociale=donnees["titulaire_raison_sociale"],
                type_structure=donnees["titulaire_type_structure"],
            )
        return LotSaisi(
            numero=donnees["numero"],
            intitule=donnees["intitule"],
            montant_ht=donnees["montant_ht"],
            titulaire=titulaire,
            lot=self.lot,
        )

    @property
    def clause_saisie(self) -> ClauseSaisie | None:
        donnees = self.cleaned_data
        if not donnees.get("base_juridique"):
            return None
        return ClauseSaisie(
            base_juridique=donnees["base_juridique"],
            heures_reservees=donnees.get("heures_reservees"),
            part_main_oeuvre=donnees.get("part_main_oeuvre"),
            taux_insertion=donnees.get("taux_insertion"),
            cout_horaire=donnees.get("cout_horaire"),
        )


def initial_du_lot(lot) -> dict:
    initial = {
        "numero": lot.numero,
        "intitule": lot.intitule,
        "montant_ht": lot.montant_ht,
        "titulaire": libelle_entreprise(lot.titulaire) if lot.titulaire else "",
    }
    clause = getattr(lot, "clause_chargee", None)
    if clause is not None:
        initial |= {
            "base_juridique": clause.base_juridique,
            "part_main_oeuvre": clause.part_main_oeuvre,
            "taux_insertion": clause.taux_insertion,
            "cout_horaire": clause.cout_horaire,
        }
        # Hours typed by hand (or fixed by the contract) are shown; hours the inputs give are recomputed.
        if (
            clause.heures_reservees is not None
            and clause.heures_reservees != clause.calculer_heures_reservees()
        ):
            initial["heures_reservees"] = clause.heures_reservees
    return initial


class BaseLotFormSet(forms.BaseFormSet):
    """Lots of a contract: the existing ones first (in number order, matched by position), then blank ones."""

    def __init__(self, *args, lots=(), **kwargs):
        self.lots = list(lots)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["lot"] = self.lots[index] if index is not None and index < len(self.lots) else None
        return kwargs

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < len(self.lots):
            form.empty_permitted = False  # an existing lot cannot be emptied away
        else:  # a blank lot proposes the next number
            dernier = max((lot.numero for lot in self.lots), default=0)
            form.fields["numero"].initial = dernier + i - len(self.lots) + 1
        return form

    def remplis(self) -> list[LotForm]:
        return [form for form in self.forms if form.has_changed() or form.lot is not None]

    def clean(self):
        if any(self.errors):
            return
        remplis = self.remplis()
        if not remplis:
            raise forms.ValidationError(regles.MESSAGE_SANS_LOT)
        if doubles := regles.numeros_en_double(form.cleaned_data["numero"] for form in remplis):
            raise forms.ValidationError([regles.MESSAGE_LOT_EN_DOUBLE.format(numero=n) for n in doubles])


LotFormSet = forms.formset_factory(
    LotForm, formset=BaseLotFormSet, extra=2, max_num=LOTS_MAX, absolute_max=LOTS_MAX, validate_max=True
)
