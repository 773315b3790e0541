"""Bounds of a hostile statement file: zip bombs, the XFD column, too many cells, disguised files."""

import io
import time
import zipfile

import pytest

from insertion.models import HeuresRealisees
from insertion.releves import classeur, lecture
from insertion.releves.lecture import FichierIllisible, lire_releve
from tests import hostiles
from tests.insertion.releves.aides import deposer, fichier_csv, fichier_xlsx, ligne


def _refus(contenu: bytes, nom="releve.xlsx") -> str:
    with pytest.raises(FichierIllisible) as erreur:
        lire_releve(nom=nom, contenu=contenu)
    return erreur.value.message


def _zip(membres: dict[str, bytes]) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)
    return sortie.getvalue()


MINIMUM = {"[Content_Types].xml": hostiles.CONTENT_TYPES, "xl/workbook.xml": hostiles.WORKBOOK}


def test_une_bombe_zip_d_un_go_est_refusee_en_moins_d_une_seconde():
    bombe = hostiles.bombe_zip()
    assert len(bombe) < 1.1 * 1024 * 1024
    debut = time.perf_counter()
    message = _refus(bombe)
    assert time.perf_counter() - debut < 1
    assert message == (
        "Ce classeur se décompresse en 1\u00a0024,0 Mo (taux de compression anormal) : la limite est de 20 Mo. "
        "Enregistrez le relevé seul dans un nouveau classeur, sans mise en forme ni lignes vides en fin de "
        "feuille."
    )


def test_un_taux_de_compression_absurde_est_refuse_meme_sous_20_mo():
    message = _refus(hostiles.bombe_zip(octets=8 * 1024 * 1024))
    assert message.startswith("Ce classeur se décompresse en 8,0 Mo (taux de compression anormal)")


@pytest.mark.django_db
def test_la_bombe_deposee_dans_le_portail_n_ecrit_rien(client, jeu):
    client.force_login(jeu.agent)
    reponse = deposer(client, hostiles.bombe_zip())
    assert reponse.context["formulaire"].errors["fichier"][0].startswith("Ce classeur se décompresse en 1")
    assert not HeuresRealisees.objects.exists()


def test_la_colonne_xfd_sur_19_000_lignes_est_refusee_en_moins_d_une_seconde():
    contenu = hostiles.classeur_xfd()
    assert len(contenu) < 100 * 1024
    debut = time.perf_counter()
    message = _refus(contenu)
    assert time.perf_counter() - debut < 1
    assert message == (
        "Le classeur a des cellules au-delà de la colonne AX (50 colonnes au plus) : ne gardez que la feuille "
        "du relevé, sans colonnes vides ou mises en forme à droite du tableau."
    )


def test_une_dimension_de_plus_de_50_colonnes_est_refusee():
    feuille = (
        hostiles.DEBUT_FEUILLE
        + b'<dimension ref="A1:BZ3"/><sheetData>'
        + hostiles._entetes()
        + b"</sheetData></worksheet>"
    )
    assert _refus(hostiles.classeur(lambda flux: flux.write(feuille))) == (
        "La feuille du relevé s'étend sur 78 colonnes : la limite est de 50. Supprimez les colonnes vides ou "
        "mises en forme à droite du tableau."
    )


def test_sans_dimension_la_colonne_xfd_est_vue_dans_le_xml():
    debut = time.perf_counter()
    message = _refus(hostiles.classeur_xfd(dimension=False))
    assert time.perf_counter() - debut < 1
    assert message == (
        "Le classeur a des cellules au-delà de la colonne AX (50 colonnes au plus) : ne gardez que la feuille "
        "du relevé, sans colonnes vides ou mises en forme à droite du tableau."
    )


@pytest.mark.parametrize("colonne", ["AY", "BA", "ZZ", "AAA"])
def test_au_dela_de_la_colonne_ax(colonne):
    feuille = (
        hostiles.DEBUT_FEUILLE.decode()
        + f'<sheetData><row r="1"><c r="{colonne}1"/></row></sheetData></worksheet>'
    )
    archive = zipfile.ZipFile(io.BytesIO(_zip(MINIMUM | {"xl/worksheets/sheet1.xml": feuille.encode()})))
    with pytest.raises(FichierIllisible, match="au-delà de la colonne AX"):
        classeur.compter_cellules(archive)
    feuille = feuille.replace(f'r="{colonne}1"', 'r="AX1"')
    archive = zipfile.ZipFile(io.BytesIO(_zip(MINIMUM | {"xl/worksheets/sheet1.xml": feuille.encode()})))
    assert classeur.compter_cellules(archive) == 1


def test_une_cellule_lointaine_cachee_ne_donne_jamais_de_rangee_de_plus_de_50_valeurs():
    """Neither <dimension> nor a reference first in the tag: openpyxl still reads 50 columns at most."""
    contenu = hostiles.classeur_xfd(lignes=200, dimension=False, style_d_abord=True)
    rangees = classeur.rangees_xlsx(contenu, lignes_lues_max=1000, trop_de_lignes=None)
    assert {len(valeurs) for _, valeurs in rangees} == {classeur.COLONNES_MAX}


@pytest.mark.django_db
def test_la_dimension_annonce_trop_de_lignes(jeu, monkeypatch):
    monkeypatch.setattr(lecture, "LIGNES_LUES_MAX", 10)
    message = _refus(fichier_xlsx([ligne(jeu)] * 12))
    assert message.startswith("Le fichier dépasse 10 lignes (lignes vides comprises)")


def test_trop_de_cellules(monkeypatch):
    monkeypatch.setattr(classeur, "CELLULES_MAX", 1000)
    assert _refus(hostiles.classeur_cellules(1000)) == (
        "Le classeur contient plus de 1\u00a0000 cellules : ne gardez que la feuille du relevé, sans lignes ni "
        "colonnes vides mises en forme."
    )


@pytest.mark.parametrize("morceau", [97, 4096, 1024 * 1024])
def test_le_compte_des_cellules_est_exact_a_cheval_sur_les_morceaux(monkeypatch, morceau):
    monkeypatch.setattr(classeur, "MORCEAU", morceau)
    archive = zipfile.ZipFile(io.BytesIO(hostiles.classeur_cellules(1000)))
    assert classeur.compter_cellules(archive) == 1000 + len(hostiles.ENTETES)


def test_le_compte_des_cellules_lit_un_prefixe_d_espace_de_noms():
    feuille = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"/><x:c r="B1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    archive = zipfile.ZipFile(io.BytesIO(_zip(MINIMUM | {"xl/worksheets/sheet1.xml": feuille})))
    assert classeur.compter_cellules(archive) == 2


def test_trop_d_elements_dans_l_archive():
    membres = MINIMUM | {f"xl/media/image{n}.png": b"x" for n in range(classeur.MEMBRES_MAX)}
    assert _refus(_zip(membres)) == (
        "Le classeur contient plus de 200 éléments (feuilles, images…) : enregistrez le relevé seul dans un "
        "nouveau classeur."
    )


def test_une_archive_imbriquee_est_refusee():
    membres = MINIMUM | {"xl/embeddings/Feuille_Microsoft_Excel.xlsx": _zip(MINIMUM)}
    assert _refus(_zip(membres)).startswith("Ce classeur contient un autre fichier incorporé")


def test_un_classeur_chiffre_est_refuse():
    contenu = bytearray(_zip(MINIMUM))
    position = contenu.find(b"PK\x01\x02")
    while position != -1:  # the "encrypted" bit of each central directory entry
        contenu[position + 8] |= 0x1
        position = contenu.find(b"PK\x01\x02", position + 4)
    assert _refus(bytes(contenu)) == (
        "Ce classeur est chiffré ou protégé par un mot de passe : enregistrez-le sans mot de passe."
    )


def test_un_classeur_97_2003_ou_protege_par_mot_de_passe():
    assert _refus(classeur.SIGNATURE_OLE + b"\x00" * 512).startswith(
        "Ce classeur est au format Excel 97-2003 (.xls) ou protégé par un mot de passe"
    )


def test_un_zip_qui_n_est_pas_un_classeur():
    assert (
        _refus(_zip({"lisez-moi.txt": b"bonjour"}))
        == "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
    )


@pytest.mark.django_db
def test_l_extension_et_le_contenu_doivent_concorder(jeu):
    xlsx, csv = fichier_xlsx([ligne(jeu)]), fichier_csv([ligne(jeu)])
    assert _refus(xlsx, nom="releve.csv") == (
        "Ce fichier porte l'extension .csv mais c'est un classeur Excel : renommez-le en .xlsx ou "
        "enregistrez-le au format CSV."
    )
    assert _refus(csv, nom="releve.xlsx") == "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
    assert _refus(csv, nom="releve") == (
        "Les fichiers sans extension ne sont pas pris en charge : déposez un classeur Excel (.xlsx) ou un "
        "fichier CSV."
    )
    assert _refus(csv, nom="releve.pdf").startswith("Les fichiers .pdf ne sont pas pris en charge")
    assert _refus(b"reference_marche;mois\x00\x00\r\n", nom="releve.csv").startswith(
        "Ce fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV"
    )
