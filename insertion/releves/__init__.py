"""Monthly statements (relevés): the template, reading an XLSX or CSV file, checking every line, importing it.

By phase: `colonnes` (what a statement holds), `modele` (the template), `lecture` (file to raw lines),
`verification` (one raw line to a checked line), `importation` (resolving objects, writing all or nothing).
"""
