# Writes diskominfo-2019.fods: a flat OpenDocument spreadsheet shaped like a pemda's old form
# (an instructions sheet first; on the answer sheet two title rows and a blank row above the
# header). LibreOffice converts it to .xls (Excel 97-2003) for the test fixture.
from xml.sax.saxutils import escape

def cell(v):
    if isinstance(v, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    if v == "":
        return '<table:table-cell/>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'

def sheet(name, rows):
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    return f'<table:table table:name="{escape(name)}">{body}</table:table>'

petunjuk = [["Petunjuk pengisian"],
            ["Isi kolom Tingkat Kematangan dengan angka 1 sampai 5 atau nama tingkatnya."],
            ["Kolom Penjelasan dan Data Dukung boleh dikosongkan."]]
jawaban = [["FORM PENILAIAN MANDIRI SPBE 2019"],
           ["Dinas Komunikasi dan Informatika"],
           [""],
           ["No. Indikator", "Indikator", "Tingkat Kematangan", "Penjelasan", "Data Dukung"],
           [1, "Kebijakan Internal Arsitektur SPBE", 3, "Perwali 12/2019", "1.a.perwali.pdf"],
           [11, "Arsitektur SPBE", "2 - Terkelola", "", ""],
           [16, "Layanan Pusat Data", "Terdefinisi", "", "16.a.log_pemanfaatan_DC.pdf"],
           [44, "JDIH", 4, "", ""]]
doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet>{sheet("Petunjuk", petunjuk)}{sheet("Jawaban", jawaban)}</office:spreadsheet></office:body>
</office:document>
'''
open("diskominfo-2019.fods", "w").write(doc)
