/*
 * test_office.c - unit tests of the office extractors: ooxml.c (docx, xlsx,
 * pptx), odf.c (odt, ods, odp), rtf.c and ole.c (doc, xls, ppt).
 * The test documents are made at run time by tests/data/make-office.sh
 * (zip of XML text) and by the tests themselves (RTF text, OLE files built
 * with libgsf's writer), in a scratch directory that is removed at the
 * end; real files from Apache Tika's test documents are read from
 * $DAFTAR_SHARED/corpora/tika-test-documents when it is there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daftar/extract.h"
#include "../helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_dir[512];   /* scratch directory with the generated files */
static char g_tika[1024]; /* tika-test-documents, or "" */

typedef int (*extractor_fn)(dft_sink *, const dft_input *);

/* ---- helpers --------------------------------------------------------------- */

static int run_file(dft_sink_mem *m, extractor_fn fn, const char *path, const dft_limits *lim, int mapped)
{
	struct stat st;
	dft_input in;
	void *map = NULL;
	int fd, rc;
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	memset(&in, 0, sizeof(in));
	in.fd = fd;
	in.size = (uint64_t)st.st_size;
	in.name = path;
	in.limits = lim;
	if (mapped && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		assert_true(map != MAP_FAILED);
		in.data = map;
	}
	dft_sink_mem_init(m, 0);
	dft_error_clear();
	rc = fn(&m->sink, &in);
	if (map)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}

static int run_gen(dft_sink_mem *m, extractor_fn fn, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", g_dir, rel);
	return run_file(m, fn, p, NULL, 1);
}

static int run_mem(dft_sink_mem *m, extractor_fn fn, const void *data, size_t len, const dft_limits *lim)
{
	dft_input in;
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = data;
	in.size = len;
	in.name = "mem";
	in.limits = lim;
	dft_sink_mem_init(m, 0);
	dft_error_clear();
	return fn(&m->sink, &in);
}

/* A Tika test file's path, or NULL (and the test skipped) without it. */
static const char *tika(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", g_tika, name);
	if (!g_tika[0] || access(buf, R_OK) != 0)
		return NULL;
	return buf;
}

#define TIKA(name, buf)                                                      \
	do {                                                                 \
		if (!tika(name, buf, sizeof(buf))) {                         \
			test_note_no_corpus("tika-test-documents/" name);     \
			skip();                                              \
		}                                                            \
	} while (0)

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

static void assert_meta(dft_sink_mem *m, const char *key, const char *want)
{
	dft_buf tmp;
	const char *v;
	dft_buf_init(&tmp, 0);
	v = dft_sink_mem_meta(m, key, &tmp);
	if (!v || strcmp(v, want) != 0)
		fail_msg("meta %s: expected \"%s\", got \"%s\"", key, want, v ? v : "(none)");
	dft_buf_dispose(&tmp);
}

/* The share of the words of `want` found in `got`, in order (0..1). */
static double fidelity(const char *got, const char *want)
{
	size_t total = 0, found = 0;
	const char *g = got, *w = want;
	while (*w) {
		char word[256];
		size_t k = 0;
		const char *hit;
		while (*w && strchr(" \t\n", *w))
			w++;
		while (*w && !strchr(" \t\n", *w) && k < sizeof(word) - 1)
			word[k++] = *w++;
		word[k] = '\0';
		if (!k)
			break;
		total++;
		if ((hit = strstr(g, word)) != NULL) {
			found++;
			g = hit + k;
		}
	}
	return total ? (double)found / (double)total : 1.0;
}

static void assert_fidelity(const char *got, const char *want)
{
	double f = fidelity(got, want);
	if (f < 0.99)
		fail_msg("only %.1f%% of the words recovered in order; text:\n%s", f * 100, got);
}

static const char *text(dft_sink_mem *m)
{
	return dft_buf_cstr(&m->text);
}

/* ---- setup --------------------------------------------------------------- */

static int setup(void **state)
{
	const char *tmp = getenv("DAFTAR_TEST_TMP"), *shared = getenv("DAFTAR_SHARED");
	char script[1024], cmd[2300];
	const char *src = __FILE__, *cut;
	(void)state;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	mkdir(tmp, 0755);
	snprintf(g_dir, sizeof(g_dir), "%s/office.XXXXXX", tmp);
	if (!mkdtemp(g_dir))
		return -1;
	cut = strstr(src, "tests/unit/extract/");
	snprintf(script, sizeof(script), "%.*stests/data/make-office.sh", cut ? (int)(cut - src) : 0, src);
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s' >/dev/null", script, g_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "%s failed\n", script);
		return -1;
	}
	if (shared && *shared)
		snprintf(g_tika, sizeof(g_tika), "%s/corpora/tika-test-documents", shared);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- Office Open XML ------------------------------------------------------- */

static void test_docx_known(void **state)
{
	dft_sink_mem m;
	(void)state;
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "known.docx"), 0);
	assert_fidelity(text(&m), "The minister signed the contract on 4 March.\n"
			"Payment of 500,000 dollars was approved.\n"
			"وقع الوزير العقد في الرابع من مارس مع شركة الخليج للتجارة.\nFinal paragraph.\n"
			"CONFIDENTIAL header line Page footer text Source: the ministry ledger. Check this figure");
	/* tracked changes kept and marked */
	assert_has(text(&m), "Payment of [-5,000,000-][+500,000+] dollars\twas approved.\n");
	assert_meta(&m, "tracked_changes", "2");
	/* table rows as lines, cells tab-separated, a cell's paragraphs joined */
	assert_has(text(&m), "\nName\tAmount\nOmar\t1200 USD\n");
	assert_has(text(&m), "Comment (Layla Haddad): Check this figure");
	assert_has(text(&m), "[Header]\nCONFIDENTIAL header line\n");
	assert_has(text(&m), "[Footnotes]\nSource: the ministry ledger.\n");
	assert_meta(&m, "title", "Contract memo");
	assert_meta(&m, "author", "Sami Nasser");
	assert_meta(&m, "last_modified_by", "Editor Two");
	assert_meta(&m, "created", "2019-03-04T10:00:00Z");
	assert_meta(&m, "modified", "2019-03-05T11:30:00Z");
	assert_meta(&m, "company", "Gulf Trading LLC");
	assert_meta(&m, "subject", "Budget");
	assert_int_equal(m.nchildren, 1);
	assert_string_equal(m.children[0].name, "word/media/image1.png");
	assert_int_equal(m.children[0].data.len, 17);
	dft_sink_mem_dispose(&m);
	/* the same through the fd only */
	{
		char p[1024];
		snprintf(p, sizeof(p), "%s/known.docx", g_dir);
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 0), 0);
		assert_has(text(&m), "[+500,000+]");
		dft_sink_mem_dispose(&m);
	}
}

static void test_docx_hostile(void **state)
{
	dft_sink_mem m;
	dft_limits lim;
	(void)state;
	/* billion laughs: an error, no expansion */
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "laughs.docx"), DFT_ECORRUPT);
	assert_has(dft_error_msg(), "word/document.xml");
	assert_true(m.text.len < 1000);
	dft_sink_mem_dispose(&m);
	/* an external entity is not loaded */
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "xxe.docx"), 0);
	assert_null(strstr(text(&m), "root:"));
	dft_sink_mem_dispose(&m);
	/* a bomb member (1000:1) */
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "bomb.docx"), DFT_ELIMIT);
	assert_has(dft_error_msg(), "zip bomb");
	dft_sink_mem_dispose(&m);
	/* ... and one at 100:1 with a stricter ratio */
	{
		char p[1024];
		dft_limits_default(&lim);
		lim.max_ratio = 50;
		lim.ratio_floor = 1 << 20;
		snprintf(p, sizeof(p), "%s/bomb.docx", g_dir);
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, &lim, 1), DFT_ELIMIT);
		assert_has(dft_error_msg(), "zip bomb");
		dft_sink_mem_dispose(&m);
	}
	/* truncated */
	assert_true(run_gen(&m, dft_extract_ooxml, "truncated.docx") < 0);
	assert_true(strstr(dft_error_msg(), "truncated") || strstr(dft_error_msg(), "corrupt"));
	dft_sink_mem_dispose(&m);
	/* garbage and empty input */
	assert_true(run_mem(&m, dft_extract_ooxml, "PK\3\4garbage", 11, NULL) < 0);
	dft_sink_mem_dispose(&m);
	assert_true(run_mem(&m, dft_extract_ooxml, "", 0, NULL) < 0);
	dft_sink_mem_dispose(&m);
}

static void test_docx_max_text(void **state)
{
	dft_sink_mem m;
	dft_limits lim;
	char p[1024];
	(void)state;
	dft_limits_default(&lim);
	lim.max_text = 30;
	snprintf(p, sizeof(p), "%s/known.docx", g_dir);
	assert_int_equal(run_file(&m, dft_extract_ooxml, p, &lim, 1), 0);
	assert_true(m.text.len <= 30);
	assert_has(dft_buf_cstr(&m.notes), "text cut");
	dft_sink_mem_dispose(&m);
}

static void test_xlsx_known(void **state)
{
	dft_sink_mem m;
	(void)state;
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "known.xlsx"), 0);
	assert_has(text(&m), "[Sheet: Payments]\nPayee\tAmount\nGulf Trading\t1250.5\t\tpaid twice\n");
	assert_has(text(&m), "Comment (Layla Haddad) at B2: Why twice?");
	assert_has(text(&m), "[Sheet: الحسابات]\nالمبلغ الإجمالي\t42\n");
	assert_meta(&m, "title", "Ledger");
	dft_sink_mem_dispose(&m);
}

static void test_pptx_known(void **state)
{
	dft_sink_mem m;
	const char *t, *a, *b;
	(void)state;
	assert_int_equal(run_gen(&m, dft_extract_ooxml, "known.pptx"), 0);
	t = text(&m);
	/* presentation order, not file order */
	a = strstr(t, "Second in file, first shown");
	b = strstr(t, "Quarterly transfers\nتحويلات ربع سنوية\n");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	assert_has(t, "Notes:\nDo not mention the offshore account");
	dft_sink_mem_dispose(&m);
}

static void test_ooxml_tika(void **state)
{
	char p[1200];
	dft_sink_mem m;
	(void)state;
	TIKA("testWORD.docx", p);
	assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), 0);
	assert_has(text(&m), "Sample Word Document");
	assert_has(text(&m), "This is a sample Microsoft Word Document.");
	assert_has(text(&m), "This is the header for our document");
	assert_meta(&m, "author", "Keith Bennett");
	dft_sink_mem_dispose(&m);
	if (tika("testComment.docx", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), 0);
		assert_has(text(&m), "Comment (Michael McCandless): Here is a comment");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testEXCEL.xlsx", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), 0);
		assert_has(text(&m), "Sample Excel Worksheet - Numbers and their Squares");
		assert_has(text(&m), "15\t225");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testPPT.pptx", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), 0);
		assert_has(text(&m), "Black Panther");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testWORD_protected_passtika.docx", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), DFT_EENCRYPTED);
		assert_has(dft_error_msg(), "encrypted");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testWORD_text_box.docx", p, sizeof(p))) { /* AlternateContent read once */
		const char *t, *first;
		assert_int_equal(run_file(&m, dft_extract_ooxml, p, NULL, 1), 0);
		t = text(&m);
		first = strstr(t, "inside of a text box in the body");
		assert_non_null(first);
		assert_null(strstr(first + 1, "inside of a text box in the body"));
		dft_sink_mem_dispose(&m);
	}
}

/* ---- OpenDocument ---------------------------------------------------------------- */

static void test_odt_known(void **state)
{
	dft_sink_mem m;
	(void)state;
	assert_int_equal(run_gen(&m, dft_extract_odf, "known.odt"), 0);
	assert_fidelity(text(&m), "Contract memo\nThe minister signed the contract.\nPayment of half a million dollars approved.\n"
			"First item\nSecond item\nName Amount Omar 1200\n"
			"وقع الوزير العقد في الرابع من مارس مع شركة الخليج للتجارة.\nInternal memo header\nFooter of the memo");
	assert_has(text(&m), "Payment of [-five million-][+half a million+] dollars\tapproved.");
	assert_has(text(&m), "[Comment (Layla Haddad): Check this figure]");
	assert_has(text(&m), "\nName\tAmount\nOmar\t1200\n");
	assert_null(strstr(text(&m), "[Sheet:")); /* a text table is no sheet */
	assert_meta(&m, "tracked_changes", "2");
	assert_meta(&m, "title", "Memo known.odt");
	assert_meta(&m, "author", "Sami Nasser");
	assert_meta(&m, "last_modified_by", "Editor Two");
	assert_meta(&m, "created", "2019-03-04T10:00:00");
	assert_meta(&m, "pages", "2");
	assert_int_equal(m.nchildren, 1);
	assert_string_equal(m.children[0].name, "Pictures/img1.png");
	dft_sink_mem_dispose(&m);
}

static void test_ods_odp_known(void **state)
{
	dft_sink_mem m;
	(void)state;
	assert_int_equal(run_gen(&m, dft_extract_odf, "known.ods"), 0);
	/* repeated empty cells are tabs; 1000 repeated empty rows are nothing */
	assert_has(text(&m), "[Sheet: Payments]\nPayee\t\t\t1,250.50\nالمبلغ\n");
	assert_true(m.text.len < 400);
	dft_sink_mem_dispose(&m);
	assert_int_equal(run_gen(&m, dft_extract_odf, "known.odp"), 0);
	assert_has(text(&m), "[Slide 1]\nQuarterly transfers\n");
	assert_has(text(&m), "Notes:\nSpeaker note here\n");
	dft_sink_mem_dispose(&m);
}

static void test_odf_tika(void **state)
{
	char p[1200];
	dft_sink_mem m;
	(void)state;
	TIKA("testODTEncrypted.odt", p);
	assert_int_equal(run_file(&m, dft_extract_odf, p, NULL, 1), DFT_EENCRYPTED);
	dft_sink_mem_dispose(&m);
	if (tika("testOpenOffice2.odt", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_odf, p, NULL, 1), 0);
		assert_has(text(&m), "This is a sample Open Office document, written in NeoOffice 2.2.1 for the Mac.");
		dft_sink_mem_dispose(&m);
	}
}

/* ---- RTF ------------------------------------------------------------------------------ */

static void test_rtf_known(void **state)
{
	/* Arabic as \'hh in Windows-1256 (font charset 178) and as \uN with a
	 * replacement '?' to skip; a table; dropped destinations; info */
	static const char doc[] =
		"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fnil\\fcharset178 Arial;}{\\f1\\froman\\fcharset0 Times;}}"
		"{\\colortbl;\\red0\\green0\\blue0;}{\\stylesheet{\\s0 Normal;}}"
		"{\\info{\\title Contract memo}{\\author Sami Nasser}{\\operator Editor Two}{\\*\\company Gulf Trading}"
		"{\\creatim\\yr2019\\mo3\\dy4\\hr10\\min5}{\\revtim\\yr2019\\mo3\\dy5\\hr11\\min30}}"
		"\\pard\\f0 \\'e6\\'de\\'da \\'c7\\'e1\\'e6\\'d2\\'ed\\'d1\\par"
		"\\f1 The minister {\\b signed} the contract{\\*\\generator Word;}{\\pict\\wmetafile8 0123456789abcdef}.\\par"
		"\\uc1\\u1587?\\u1604?\\u1575?\\u1605? peace\\par"
		"{\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt link text}}\\par "
		"Name\\cell Amount\\cell\\row Omar\\cell 1200\\cell\\row "
		"caf\\'e9\\tab end\\line next\\par}";
	dft_sink_mem m;
	(void)state;
	assert_int_equal(run_mem(&m, dft_extract_rtf, doc, sizeof(doc) - 1, NULL), 0);
	assert_has(text(&m), "وقع الوزير\nThe minister signed the contract.\nسلام peace\nlink text\n");
	assert_has(text(&m), "Name\tAmount\nOmar\t1200\n");
	assert_has(text(&m), "café\tend\nnext\n");
	assert_null(strstr(text(&m), "HYPERLINK"));
	assert_null(strstr(text(&m), "0123456789"));
	assert_null(strstr(text(&m), "Times"));
	assert_meta(&m, "title", "Contract memo");
	assert_meta(&m, "author", "Sami Nasser");
	assert_meta(&m, "last_modified_by", "Editor Two");
	assert_meta(&m, "company", "Gulf Trading");
	assert_meta(&m, "created", "2019-03-04T10:05:00");
	assert_meta(&m, "modified", "2019-03-05T11:30:00");
	dft_sink_mem_dispose(&m);
}

static void test_rtf_hostile(void **state)
{
	size_t n = 100000, i;
	char *doc = malloc(2 * n + 64);
	size_t len = 0;
	dft_sink_mem m;
	(void)state;
	assert_non_null(doc);
	len += (size_t)snprintf(doc, 2 * n + 64, "{\\rtf1 start ");
	for (i = 0; i < n; i++)
		doc[len++] = '{';
	len += (size_t)snprintf(doc + len, 2 * n + 64 - len, "deep");
	for (i = 0; i < n; i++)
		doc[len++] = '}';
	len += (size_t)snprintf(doc + len, 2 * n + 64 - len, " after}");
	assert_int_equal(run_mem(&m, dft_extract_rtf, doc, len, NULL), 0);
	assert_has(text(&m), "start");
	assert_has(text(&m), "after");
	assert_has(dft_buf_cstr(&m.notes), "nested deeper");
	dft_sink_mem_dispose(&m);
	/* unbalanced, truncated, not RTF */
	assert_int_equal(run_mem(&m, dft_extract_rtf, doc, 5000, NULL), 0);
	assert_has(dft_buf_cstr(&m.notes), "open group");
	dft_sink_mem_dispose(&m);
	assert_int_equal(run_mem(&m, dft_extract_rtf, "{\\rtf1 a\\bin999999999", 21, NULL), 0);
	dft_sink_mem_dispose(&m);
	assert_int_equal(run_mem(&m, dft_extract_rtf, "hello", 5, NULL), DFT_EINVAL);
	dft_sink_mem_dispose(&m);
	free(doc);
}

static void test_rtf_tika(void **state)
{
	char p[1200];
	dft_sink_mem m;
	(void)state;
	TIKA("testRTF.rtf", p);
	assert_int_equal(run_file(&m, dft_extract_rtf, p, NULL, 1), 0);
	assert_has(text(&m), "Test d’indexation Word");
	assert_meta(&m, "company", "Universite Laval");
	dft_sink_mem_dispose(&m);
}

/* ---- legacy Office ------------------------------------------------------------------ */

static void test_ole_corrupt(void **state)
{
	unsigned char buf[4096];
	dft_sink_mem m;
	(void)state;
	memset(buf, 0x41, sizeof(buf));
	memcpy(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8); /* the magic, then garbage */
	assert_true(run_mem(&m, dft_extract_ole, buf, sizeof(buf), NULL) < 0);
	assert_true(dft_error_msg()[0] != '\0');
	dft_sink_mem_dispose(&m);
	assert_true(run_mem(&m, dft_extract_ole, buf, 100, NULL) < 0);
	dft_sink_mem_dispose(&m);
	/* an OLE file handed to the OOXML extractor goes to ole.c */
	assert_true(run_mem(&m, dft_extract_ooxml, buf, sizeof(buf), NULL) < 0);
	dft_sink_mem_dispose(&m);
}

static void test_ole_tika(void **state)
{
	char p[1200];
	dft_sink_mem m;
	(void)state;
	TIKA("testWORD.doc", p);
	assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), 0);
	assert_fidelity(text(&m), "Sample Word Document Title And now for a subtitle Main Heading "
			"This is a sample Microsoft Word Document. This document includes text that is BOLD and ITALIC. "
			"Apache Tika: http://tika.apache.org/ This is the header for our document This is the footer for our document");
	assert_null(strstr(text(&m), "HYPERLINK"));
	assert_meta(&m, "author", "Keith Bennett");
	assert_meta(&m, "title", "Sample Word Document");
	dft_sink_mem_dispose(&m);
	if (tika("testEXCEL.xls", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), 0);
		assert_has(text(&m), "[Sheet: Feuil1]\nSample Excel Worksheet - Numbers and their Squares\n\tNumber\tSquare\n\t1\t1\n");
		assert_has(text(&m), "\t15\t225\n");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testPPT.ppt", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), 0);
		assert_has(text(&m), "Sample Powerpoint Slide");
		dft_sink_mem_dispose(&m);
	}
	if (tika("testWORD_protected_passtika.doc", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), DFT_EENCRYPTED);
		dft_sink_mem_dispose(&m);
	}
	if (tika("password.xls", p, sizeof(p))) {
		assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), DFT_EENCRYPTED);
		dft_sink_mem_dispose(&m);
	}
	if (tika("simple_upper_case.doc", p, sizeof(p))) { /* stream names in capitals */
		assert_int_equal(run_file(&m, dft_extract_ole, p, NULL, 1), 0);
		assert_true(m.text.len > 10);
		dft_sink_mem_dispose(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx_known),
		cmocka_unit_test(test_docx_hostile),
		cmocka_unit_test(test_docx_max_text),
		cmocka_unit_test(test_xlsx_known),
		cmocka_unit_test(test_pptx_known),
		cmocka_unit_test(test_ooxml_tika),
		cmocka_unit_test(test_odt_known),
		cmocka_unit_test(test_ods_odp_known),
		cmocka_unit_test(test_odf_tika),
		cmocka_unit_test(test_rtf_known),
		cmocka_unit_test(test_rtf_hostile),
		cmocka_unit_test(test_rtf_tika),
		cmocka_unit_test(test_ole_corrupt),
		cmocka_unit_test(test_ole_tika),
	};
	return test_exit(cmocka_run_group_tests(tests, setup, teardown));
}
