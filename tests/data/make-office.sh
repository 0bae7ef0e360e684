#!/bin/sh
# make-office.sh DIR - build the office test documents of
# tests/unit/extract/test_office.c from XML text with `zip` (docx, xlsx,
# pptx, odt, ods, odp), plus hostile ones (billion laughs, a bomb member, a
# truncated package). Arabic text is written as UTF-8 in the XML.
set -eu
out=${1:?usage: make-office.sh DIR}
mkdir -p "$out"
cd "$out"
W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R='xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL='http://schemas.openxmlformats.org/officeDocument/2006/relationships'

core() { # title author
	cat <<X
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>$1</dc:title><dc:subject>Budget</dc:subject><dc:creator>$2</dc:creator><cp:lastModifiedBy>Editor Two</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2019-03-04T10:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2019-03-05T11:30:00Z</dcterms:modified></cp:coreProperties>
X
}
app() {
	echo '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><Company>Gulf Trading LLC</Company><Pages>3</Pages></Properties>'
}
rootrels() { # main part
	echo "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"$REL/officeDocument\" Target=\"$1\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"$REL/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>"
}

# ---- docx -------------------------------------------------------------------
mkdocx() { # name document.xml-body
	d=$(mktemp -d ./pkg.XXXXXX)
	mkdir -p "$d/_rels" "$d/word/_rels" "$d/docProps" "$d/word/media"
	echo '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' >"$d/[Content_Types].xml"
	rootrels word/document.xml >"$d/_rels/.rels"
	core "$3" "$4" >"$d/docProps/core.xml"
	app >"$d/docProps/app.xml"
	printf '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s %s><w:body>%s</w:body></w:document>' "$W" "$R" "$2" >"$d/word/document.xml"
	echo "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"$REL/header\" Target=\"header1.xml\"/><Relationship Id=\"rId2\" Type=\"$REL/footer\" Target=\"footer1.xml\"/><Relationship Id=\"rId3\" Type=\"$REL/footnotes\" Target=\"footnotes.xml\"/><Relationship Id=\"rId4\" Type=\"$REL/comments\" Target=\"comments.xml\"/><Relationship Id=\"rId5\" Type=\"$REL/image\" Target=\"media/image1.png\"/></Relationships>" >"$d/word/_rels/document.xml.rels"
	echo "<w:hdr $W><w:p><w:r><w:t>CONFIDENTIAL header line</w:t></w:r></w:p></w:hdr>" >"$d/word/header1.xml"
	echo "<w:ftr $W><w:p><w:r><w:t>Page footer text</w:t></w:r></w:p></w:ftr>" >"$d/word/footer1.xml"
	echo "<w:footnotes $W><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r><w:t>Source: the ministry ledger.</w:t></w:r></w:p></w:footnote></w:footnotes>" >"$d/word/footnotes.xml"
	echo "<w:comments $W><w:comment w:id=\"0\" w:author=\"Layla Haddad\" w:date=\"2019-03-05T00:00:00Z\"><w:p><w:r><w:t>Check this figure</w:t></w:r></w:p></w:comment></w:comments>" >"$d/word/comments.xml"
	printf '\211PNG\r\n\032\nfakeimage' >"$d/word/media/image1.png"
	(cd "$d" && zip -qrX ../"$1" '[Content_Types].xml' _rels docProps word)
	rm -rf "$d"
}

P() { echo "<w:p><w:r><w:t xml:space=\"preserve\">$1</w:t></w:r></w:p>"; }
body="$(P 'The minister signed the contract on 4 March.')"
body="$body<w:p><w:r><w:t>Payment of </w:t></w:r><w:del w:id=\"1\" w:author=\"Editor Two\"><w:r><w:delText>5,000,000</w:delText></w:r></w:del><w:ins w:id=\"2\" w:author=\"Editor Two\"><w:r><w:t>500,000</w:t></w:r></w:ins><w:r><w:t xml:space=\"preserve\"> dollars</w:t><w:tab/><w:t>was approved.</w:t></w:r></w:p>"
body="$body<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Amount</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Omar</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1200</w:t></w:r></w:p><w:p><w:r><w:t>USD</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
body="$body$(P 'وقع الوزير العقد في الرابع من مارس مع شركة الخليج للتجارة.')"
body="$body$(P 'Final paragraph.')"
mkdocx known.docx "$body" "Contract memo" "Sami Nasser"

# a billion-laughs main part
lol='<!DOCTYPE w:document [<!ENTITY a "lollollollollollollollollollol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
d=$(mktemp -d ./pkg.XXXXXX)
mkdir -p "$d/_rels" "$d/word"
rootrels word/document.xml >"$d/_rels/.rels"
printf '<?xml version="1.0"?>\n%s<w:document %s><w:body><w:p><w:r><w:t>before &i; after</w:t></w:r></w:p></w:body></w:document>' "$lol" "$W" >"$d/word/document.xml"
(cd "$d" && zip -qrX ../laughs.docx _rels word)
rm -rf "$d"

# an external entity that must not be loaded
d=$(mktemp -d ./pkg.XXXXXX)
mkdir -p "$d/_rels" "$d/word"
rootrels word/document.xml >"$d/_rels/.rels"
printf '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document %s><w:body><w:p><w:r><w:t>x=&x;.</w:t></w:r></w:p></w:body></w:document>' "$W" >"$d/word/document.xml"
(cd "$d" && zip -qrX ../xxe.docx _rels word)
rm -rf "$d"

# a bomb: a 64 MiB part of zeros (about 1000:1)
d=$(mktemp -d ./pkg.XXXXXX)
mkdir -p "$d/_rels" "$d/word"
rootrels word/document.xml >"$d/_rels/.rels"
printf '<?xml version="1.0"?><w:document %s><w:body><w:p><w:r><w:t>bomb</w:t></w:r></w:p></w:body></w:document>' "$W" >"$d/word/document.xml"
head -c 67108864 /dev/zero >"$d/word/settings.xml"
(cd "$d" && zip -qrX ../bomb.docx _rels word)
rm -rf "$d"

# truncated: the first half of known.docx
size=$(wc -c <known.docx)
head -c $((size / 2)) known.docx >truncated.docx

# ---- xlsx -------------------------------------------------------------------
d=$(mktemp -d ./pkg.XXXXXX)
mkdir -p "$d/_rels" "$d/xl/_rels" "$d/xl/worksheets/_rels" "$d/docProps"
rootrels xl/workbook.xml >"$d/_rels/.rels"
core "Ledger" "Sami Nasser" >"$d/docProps/core.xml"
echo "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" $R><sheets><sheet name=\"Payments\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"الحسابات\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>" >"$d/xl/workbook.xml"
echo "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"$REL/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"$REL/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/><Relationship Id=\"rId3\" Type=\"$REL/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>" >"$d/xl/_rels/workbook.xml.rels"
echo '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Payee</t></si><si><t>Amount</t></si><si><r><t>Gulf </t></r><r><t>Trading</t></r></si><si><t>المبلغ الإجمالي</t></si></sst>' >"$d/xl/sharedStrings.xml"
echo '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1250.5</v></c><c r="D2" t="inlineStr"><is><t>paid twice</t></is></c></row></sheetData></worksheet>' >"$d/xl/worksheets/sheet1.xml"
echo '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1"><v>42</v></c></row></sheetData></worksheet>' >"$d/xl/worksheets/sheet2.xml"
echo "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"$REL/comments\" Target=\"../comments1.xml\"/></Relationships>" >"$d/xl/worksheets/_rels/sheet1.xml.rels"
echo '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Layla Haddad</author></authors><commentList><comment ref="B2" authorId="0"><text><r><t>Why twice?</t></r></text></comment></commentList></comments>' >"$d/xl/comments1.xml"
(cd "$d" && zip -qrX ../known.xlsx _rels docProps xl)
rm -rf "$d"

# ---- pptx -------------------------------------------------------------------
A='xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
PP='xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
d=$(mktemp -d ./pkg.XXXXXX)
mkdir -p "$d/_rels" "$d/ppt/_rels" "$d/ppt/slides/_rels" "$d/ppt/notesSlides"
rootrels ppt/presentation.xml >"$d/_rels/.rels"
echo "<p:presentation $PP $R><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId7\"/><p:sldId id=\"257\" r:id=\"rId3\"/></p:sldIdLst></p:presentation>" >"$d/ppt/presentation.xml"
echo "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId3\" Type=\"$REL/slide\" Target=\"slides/slide1.xml\"/><Relationship Id=\"rId7\" Type=\"$REL/slide\" Target=\"slides/slide2.xml\"/></Relationships>" >"$d/ppt/_rels/presentation.xml.rels"
echo "<p:sld $PP $A><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Second in file, first shown</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>" >"$d/ppt/slides/slide2.xml"
echo "<p:sld $PP $A><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Quarterly transfers</a:t></a:r></a:p><a:p><a:r><a:t>تحويلات ربع سنوية</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>" >"$d/ppt/slides/slide1.xml"
echo "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"$REL/notesSlide\" Target=\"../notesSlides/notesSlide1.xml\"/></Relationships>" >"$d/ppt/slides/_rels/slide1.xml.rels"
echo "<p:notes $PP $A><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Do not mention the offshore account</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>" >"$d/ppt/notesSlides/notesSlide1.xml"
(cd "$d" && zip -qrX ../known.pptx _rels ppt)
rm -rf "$d"

# ---- OpenDocument -------------------------------------------------------------
ODFNS='xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
mkodf() { # name mimetype content-body
	d=$(mktemp -d ./pkg.XXXXXX)
	mkdir -p "$d/META-INF" "$d/Pictures"
	printf '%s' "$2" >"$d/mimetype"
	echo "<office:document-content $ODFNS><office:body>$3</office:body></office:document-content>" >"$d/content.xml"
	echo "<office:document-styles $ODFNS><office:master-styles><style:master-page style:name=\"Standard\"><style:header><text:p>Internal memo header</text:p></style:header><style:footer><text:p>Footer of the memo</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>" >"$d/styles.xml"
	echo "<office:document-meta $ODFNS><office:meta><dc:title>Memo $1</dc:title><meta:initial-creator>Sami Nasser</meta:initial-creator><dc:creator>Editor Two</dc:creator><meta:creation-date>2019-03-04T10:00:00</meta:creation-date><dc:date>2019-03-05T11:30:00</dc:date><meta:document-statistic meta:page-count=\"2\"/></office:meta></office:document-meta>" >"$d/meta.xml"
	printf '\211PNG\r\n\032\nfakeimage' >"$d/Pictures/img1.png"
	echo '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>' >"$d/META-INF/manifest.xml"
	(cd "$d" && zip -qX0 ../"$1" mimetype && zip -qrX ../"$1" content.xml styles.xml meta.xml Pictures META-INF)
	rm -rf "$d"
}
odt="<office:text><text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion><office:change-info><dc:creator>Editor Two</dc:creator></office:change-info><text:p>five million</text:p></text:deletion></text:changed-region><text:changed-region text:id=\"ct2\"><text:insertion><office:change-info><dc:creator>Editor Two</dc:creator></office:change-info></text:insertion></text:changed-region></text:tracked-changes>"
odt="$odt<text:h text:outline-level=\"1\">Contract memo</text:h><text:p>The minister signed<text:s text:c=\"2\"/>the contract.</text:p>"
odt="$odt<text:p>Payment of <text:change text:change-id=\"ct1\"/><text:change-start text:change-id=\"ct2\"/>half a million<text:change-end text:change-id=\"ct2\"/> dollars<text:tab/>approved.<office:annotation><dc:creator>Layla Haddad</dc:creator><text:p>Check this figure</text:p></office:annotation></text:p>"
odt="$odt<text:list><text:list-item><text:p>First item</text:p></text:list-item><text:list-item><text:p>Second item</text:p></text:list-item></text:list>"
odt="$odt<table:table table:name=\"T1\"><table:table-row><table:table-cell><text:p>Name</text:p></table:table-cell><table:table-cell><text:p>Amount</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Omar</text:p></table:table-cell><table:table-cell><text:p>1200</text:p></table:table-cell></table:table-row></table:table>"
odt="$odt<text:p>وقع الوزير العقد في الرابع من مارس مع شركة الخليج للتجارة.</text:p></office:text>"
mkodf known.odt application/vnd.oasis.opendocument.text "$odt"
ods="<office:spreadsheet><table:table table:name=\"Payments\"><table:table-row><table:table-cell><text:p>Payee</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"2\"/><table:table-cell office:value-type=\"float\" office:value=\"1250.5\"><text:p>1,250.50</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated=\"1000\"><table:table-cell table:number-columns-repeated=\"1000\"/></table:table-row><table:table-row><table:table-cell><text:p>المبلغ</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
mkodf known.ods application/vnd.oasis.opendocument.spreadsheet "$ods"
odp="<office:presentation><draw:page draw:name=\"p1\"><draw:frame><draw:text-box><text:p>Quarterly transfers</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>Speaker note here</text:p></draw:text-box></draw:frame></presentation:notes></draw:page></office:presentation>"
mkodf known.odp application/vnd.oasis.opendocument.presentation "$odp"
