/*
 * test_quality.c - how well near-duplicates are found, against the truth.
 *
 * A generator makes families of near-duplicates with known ancestry, in
 * English-like and Arabic-like text (Zipf-distributed words, paragraphs):
 * each variant of a base letter gets some of word insertions, deletions,
 * paragraph reordering, OCR-like character noise (confusable letters and
 * dots, split and joined words) and different headers and footers; unrelated
 * letters are mixed in. The truth is the exact Jaccard of the word 3-shingle
 * sets of every pair, by brute force; the system under test is MinHash +
 * LSH (dft_near_pairs) with the production verification. Precision and
 * recall of the pairs with J >= 0.8 must reach 0.99 and 0.95.
 *
 * DAFTAR_DEDUP_N=20000 makes a bigger trove (to time it); the default is
 * small enough for every test run.
 *
 * test_forms: filled-in forms (forms.c). A few printed forms (English and
 * Arabic label sets, sharing an office header across templates), each
 * filled in by thousands of different people (names, dates, places,
 * numbers, free answers); some filled forms copied again with OCR-like
 * noise and/or another header and footer; ordinary near-duplicate families
 * and unrelated letters mixed in. Different people's forms must not share a
 * cluster (pair precision >= 0.99), copies of one filled form must (recall
 * >= 0.95), each template must be found as one family with its fields, and
 * the ordinary near-duplicates (with one letter in 40 versions: shared
 * text without fields) keep precision >= 0.99 and recall >= 0.95.
 * DAFTAR_FORMS_N sets the number of forms (default 4000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/core.h"
#include "daftar/dedup.h"
#include "daftar/text.h"

#define VOCAB 4000
#define THRESHOLD 0.8

static char *vocab_en[VOCAB], *vocab_ar[VOCAB];
static double zipf_cdf[VOCAB];
static unsigned seed = 20261125;

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)rand_r(&seed) % n : 0;
}

static double frand(void)
{
	return (double)rand_r(&seed) / ((double)RAND_MAX + 1.0);
}

static const char *const syl_en[] = {"ka", "ter", "mo", "ri", "san", "de", "lo", "vin", "ga", "po", "rel",
				      "stu", "ne", "bi", "cor", "fa", "mi", "tro", "al", "en", "ux", "pe"};
/* Arabic letters, UTF-8 */
static const char *const let_ar[] = {"ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص",
				      "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"};

static void make_vocab(void)
{
	size_t i, k;
	double sum = 0;
	for (i = 0; i < VOCAB; i++) {
		char w[64] = "";
		size_t n = 1 + rnd(3), len = 0;
		for (k = 0; k < n; k++)
			len += (size_t)snprintf(w + len, sizeof(w) - len, "%s", syl_en[rnd(22)]);
		vocab_en[i] = strdup(w);
		n = 3 + rnd(4);
		len = 0;
		for (k = 0; k < n; k++)
			len += (size_t)snprintf(w + len, sizeof(w) - len, "%s", let_ar[rnd(28)]);
		vocab_ar[i] = strdup(w);
		sum += 1.0 / (double)(i + 8);
		zipf_cdf[i] = sum;
	}
	for (i = 0; i < VOCAB; i++)
		zipf_cdf[i] /= sum;
}

static const char *word(int ar)
{
	double u = frand();
	size_t lo = 0, hi = VOCAB - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ar ? vocab_ar[lo] : vocab_en[lo];
}

/* A letter as words and paragraph breaks ("\n\n" entries). */
struct letter {
	char **w;
	size_t n;
	int ar;
};

static void push(struct letter *l, const char *w)
{
	l->w = realloc(l->w, (l->n + 1) * sizeof(char *));
	l->w[l->n++] = strdup(w);
}

static void letter_free(struct letter *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		free(l->w[i]);
	free(l->w);
	memset(l, 0, sizeof(*l));
}

static void base_letter(struct letter *l, int ar)
{
	size_t n = (size_t)exp(log(40) + frand() * (log(900) - log(40))), i, para = 0;
	memset(l, 0, sizeof(*l));
	l->ar = ar;
	for (i = 0; i < n; i++) {
		push(l, word(ar));
		if (++para > 20 + rnd(60)) {
			push(l, "\n\n");
			para = 0;
		}
	}
}

static void copy_letter(struct letter *out, const struct letter *in)
{
	size_t i;
	memset(out, 0, sizeof(*out));
	out->ar = in->ar;
	for (i = 0; i < in->n; i++)
		push(out, in->w[i]);
}

static void insert_words(struct letter *l, size_t k)
{
	while (k--) {
		size_t at = rnd((unsigned)l->n + 1);
		char *w;
		push(l, word(l->ar));
		w = l->w[l->n - 1];
		memmove(l->w + at + 1, l->w + at, (l->n - 1 - at) * sizeof(char *));
		l->w[at] = w;
	}
}

static void delete_words(struct letter *l, size_t k)
{
	while (k-- && l->n > 5) {
		size_t at = rnd((unsigned)l->n);
		free(l->w[at]);
		memmove(l->w + at, l->w + at + 1, (l->n - at - 1) * sizeof(char *));
		l->n--;
	}
}

/* Swap two paragraphs (the text between "\n\n" marks). */
static void reorder(struct letter *l)
{
	size_t marks[256], nm = 0, i;
	for (i = 0; i < l->n && nm < 254; i++)
		if (!strcmp(l->w[i], "\n\n"))
			marks[nm++] = i;
	if (nm < 2)
		return;
	{
		size_t p = rnd((unsigned)nm - 1); /* paragraphs [marks[p]+1, marks[p+1]) and the one after */
		size_t a0 = marks[p] + 1, a1 = marks[p + 1], b0 = a1 + 1, b1 = p + 2 < nm ? marks[p + 2] : l->n;
		char **tmp = malloc(l->n * sizeof(char *));
		size_t k = 0;
		for (i = 0; i < a0; i++)
			tmp[k++] = l->w[i];
		for (i = b0; i < b1; i++)
			tmp[k++] = l->w[i];
		tmp[k++] = l->w[a1];
		for (i = a0; i < a1; i++)
			tmp[k++] = l->w[i];
		for (i = b1; i < l->n; i++)
			tmp[k++] = l->w[i];
		assert_int_equal(k, l->n);
		free(l->w);
		l->w = tmp;
	}
}

/* OCR-like noise: confusable letters, a dot lost, words split or joined. */
static const char *const conf_en[][2] = {{"m", "rn"}, {"l", "1"}, {"o", "0"}, {"e", "c"}, {"i", "l"}, {"u", "v"}};
static const char *const conf_ar[][2] = {{"ب", "ت"}, {"ت", "ث"}, {"ن", "ب"}, {"ج", "ح"}, {"خ", "ح"},
					  {"ر", "ز"}, {"د", "ذ"}, {"ص", "ض"}, {"ع", "غ"}, {"ف", "ق"}};

static void ocr_noise(struct letter *l, double p)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		char buf[256];
		const char *from, *to;
		char *at;
		if (!strcmp(l->w[i], "\n\n") || frand() >= p)
			continue;
		if (frand() < 0.15 && strlen(l->w[i]) > 4) {
			/* split a word in two */
			size_t half = strlen(l->w[i]) / 2;
			while (half > 0 && ((unsigned char)l->w[i][half] & 0xC0) == 0x80)
				half--;
			snprintf(buf, sizeof(buf), "%.*s %s", (int)half, l->w[i], l->w[i] + half);
		} else if (frand() < 0.15 && i + 1 < l->n && strcmp(l->w[i + 1], "\n\n")) {
			snprintf(buf, sizeof(buf), "%s%s", l->w[i], l->w[i + 1]); /* joined */
			free(l->w[i + 1]);
			l->w[i + 1] = strdup("");
		} else {
			size_t c = l->ar ? rnd(10) : rnd(6);
			from = l->ar ? conf_ar[c][0] : conf_en[c][0];
			to = l->ar ? conf_ar[c][1] : conf_en[c][1];
			if (!(at = strstr(l->w[i], from)))
				continue;
			snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - l->w[i]), l->w[i], to, at + strlen(from));
		}
		free(l->w[i]);
		l->w[i] = strdup(buf);
	}
}

static void headers(struct letter *l)
{
	char buf[128];
	struct letter h;
	size_t i, n = 2 + rnd(8);
	memset(&h, 0, sizeof(h));
	h.ar = l->ar;
	for (i = 0; i < n; i++)
		push(&h, word(l->ar));
	snprintf(buf, sizeof(buf), "%u/%u", 1 + rnd(999), 2010 + rnd(10));
	push(&h, buf);
	push(&h, "\n\n");
	for (i = 0; i < l->n; i++)
		push(&h, l->w[i]);
	push(&h, "\n\n");
	push(&h, l->ar ? "صفحة" : "page");
	snprintf(buf, sizeof(buf), "%u", 1 + rnd(9));
	push(&h, buf);
	letter_free(l);
	*l = h;
}

static void mutate(struct letter *l)
{
	double s = frand() * frand() * 0.16; /* strength: mostly light, sometimes heavy */
	if (frand() < 0.6)
		insert_words(l, (size_t)(s * (double)l->n * frand() + 0.5));
	if (frand() < 0.6)
		delete_words(l, (size_t)(s * (double)l->n * frand() + 0.5));
	if (frand() < 0.3)
		reorder(l);
	if (frand() < 0.4)
		ocr_noise(l, s * 0.5);
	if (frand() < 0.4)
		headers(l);
}

static char *render(const struct letter *l)
{
	dft_buf b;
	size_t i;
	dft_buf_init(&b, 0);
	for (i = 0; i < l->n; i++) {
		if (!l->w[i][0])
			continue;
		dft_buf_adds(&b, l->w[i]);
		if (strcmp(l->w[i], "\n\n"))
			dft_buf_addc(&b, ' ');
	}
	dft_buf_addc(&b, '\n');
	return dft_buf_detach(&b);
}

/* ---- the trove and the truth ------------------------------------------------- */

struct trove {
	char **text;
	dft_shingles *sh;
	dft_minhash *mh;
	size_t n;
};

struct pairs {
	uint64_t *k;
	size_t n, cap;
};

struct qctx {
	const struct trove *t;
	struct pairs *p;
};

static int from_memory(void *ctx, size_t i, dft_shingles *out)
{
	const struct trove *t = ((struct qctx *)ctx)->t;
	out->h = malloc(t->sh[i].n * sizeof(uint64_t) + 1);
	memcpy(out->h, t->sh[i].h, t->sh[i].n * sizeof(uint64_t));
	out->n = out->cap = t->sh[i].n;
	out->tokens = t->sh[i].tokens;
	return 0;
}

static int collect(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct pairs *p = ((struct qctx *)ctx)->p;
	(void)sim, (void)exact;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->k = realloc(p->k, p->cap * sizeof(uint64_t));
	}
	p->k[p->n++] = (uint64_t)a << 32 | b;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t common(const struct pairs *a, const struct pairs *b)
{
	size_t i = 0, j = 0, c = 0;
	while (i < a->n && j < b->n) {
		if (a->k[i] < b->k[j])
			i++;
		else if (a->k[i] > b->k[j])
			j++;
		else
			c++, i++, j++;
	}
	return c;
}

static void test_quality(void **state)
{
	struct trove t;
	struct pairs truth = {0}, got = {0}, got_est = {0};
	struct qctx q = {0};
	size_t c;
	dft_analyzer *an;
	dft_near_opts o;
	dft_near_stats st;
	const char *env = getenv("DAFTAR_DEDUP_N");
	size_t target = env ? (size_t)strtoul(env, NULL, 10) : 3000, i, j, fam = 0, near_band = 0;
	double t0, t_sign, t_lsh, t_brute, p, r;
	(void)state;

	make_vocab();
	memset(&t, 0, sizeof(t));
	t.text = calloc(target + 16, sizeof(char *));
	/* families: a base and 1..7 variants, each from the base or from an earlier variant */
	while (t.n < target) {
		struct letter fam_l[8];
		size_t k, nv = rnd(8), first = t.n;
		int ar = frand() < 0.5;
		base_letter(&fam_l[0], ar);
		if (frand() < 0.3)
			nv = 0; /* an unrelated letter */
		for (k = 1; k <= nv; k++) {
			copy_letter(&fam_l[k], &fam_l[rnd((unsigned)k)]);
			mutate(&fam_l[k]);
		}
		for (k = 0; k <= nv && t.n < target; k++)
			t.text[t.n++] = render(&fam_l[k]);
		for (k = 0; k <= nv; k++)
			letter_free(&fam_l[k]);
		fam += t.n > first;
	}
	t.sh = calloc(t.n, sizeof(*t.sh));
	t.mh = calloc(t.n, sizeof(*t.mh));
	assert_int_equal(dft_analyzer_new(&an, NULL, 0), 0);
	t0 = dft_now();
	for (i = 0; i < t.n; i++) {
		dft_shingles_init(&t.sh[i]);
		assert_int_equal(dft_shingles_of_text(&t.sh[i], an, t.text[i], strlen(t.text[i])), 0);
		dft_minhash_sign(&t.mh[i], &t.sh[i]);
	}
	t_sign = dft_now() - t0;

	/* the truth: exact Jaccard of every pair (J <= min/max size skips none
	 * that could reach the threshold) */
	t0 = dft_now();
	for (i = 0; i < t.n; i++)
		for (j = i + 1; j < t.n; j++) {
			size_t a = t.sh[i].n, b = t.sh[j].n;
			double jac;
			if ((double)(a < b ? a : b) < THRESHOLD * (double)(a < b ? b : a))
				continue;
			jac = dft_shingles_jaccard(&t.sh[i], &t.sh[j]);
			if (jac >= THRESHOLD) {
				q.p = &truth;
				collect(&q, i, j, jac, 1);
			}
			else if (jac >= THRESHOLD - 0.1)
				near_band++;
		}
	t_brute = dft_now() - t0;

	/* estimate only, then the production path: exact near the threshold */
	memset(&o, 0, sizeof(o));
	o.threshold = THRESHOLD;
	o.pair = collect;
	q.t = &t;
	q.p = &got_est;
	o.ctx = &q;
	assert_int_equal(dft_near_pairs(t.mh, t.n, &o, &st), 0);
	q.p = &got;
	o.shingles = from_memory;
	t0 = dft_now();
	assert_int_equal(dft_near_pairs(t.mh, t.n, &o, &st), 0);
	t_lsh = dft_now() - t0;

	qsort(truth.k, truth.n, sizeof(uint64_t), cmp_u64);
	qsort(got.k, got.n, sizeof(uint64_t), cmp_u64);
	qsort(got_est.k, got_est.n, sizeof(uint64_t), cmp_u64);
	printf("  %zu documents (%zu families or singles), %zu pairs with J >= %.1f, %zu more in [%.1f, %.1f)\n", t.n,
	       fam, truth.n, THRESHOLD, near_band, THRESHOLD - 0.1, THRESHOLD);
	printf("  LSH %d x %d: %llu candidate pairs, %llu decided by the estimate, %llu by the exact Jaccard\n",
	       st.bands, st.rows, (unsigned long long)st.candidates, (unsigned long long)st.estimated,
	       (unsigned long long)st.exact);
	c = common(&got_est, &truth);
	printf("  estimate only:    precision %.4f recall %.4f\n", got_est.n ? (double)c / (double)got_est.n : 1.0,
	       truth.n ? (double)c / (double)truth.n : 1.0);
	c = common(&got, &truth);
	p = got.n ? (double)c / (double)got.n : 1.0;
	r = truth.n ? (double)c / (double)truth.n : 1.0;
	printf("  estimate + exact: precision %.4f recall %.4f\n", p, r);
	printf("  time: shingles + signatures %.2f s, LSH + verification %.2f s, brute force %.2f s\n", t_sign,
	       t_lsh, t_brute);
	assert_true(truth.n > 500); /* the generator makes a real test */
	assert_true(p >= 0.99);
	assert_true(r >= 0.95);

	for (i = 0; i < t.n; i++) {
		dft_shingles_dispose(&t.sh[i]);
		free(t.text[i]);
	}
	free(t.sh);
	free(t.mh);
	free(t.text);
	free(truth.k);
	free(got.k);
	free(got_est.k);
	dft_analyzer_free(an);
	for (i = 0; i < VOCAB; i++) {
		free(vocab_en[i]);
		free(vocab_ar[i]);
	}
}

/* ---- filled-in forms ---------------------------------------------------------- */

static const char *const labels_en[] = {"Full name", "Date of birth", "Place of birth", "Mother's name",
					 "Nationality", "Marital status", "Number of children", "Date of joining",
					 "Previous work", "Skills and knowledge", "Recommended by", "Notes"};
static const char *const labels_ar[] = {"الاسم الكامل", "تاريخ الولادة", "مكان الولادة", "اسم الأم",
					 "الجنسية", "الحالة الاجتماعية", "عدد الأولاد", "تاريخ الانتساب",
					 "العمل السابق", "المهارات", "التزكية", "ملاحظات"};
/* value kinds of the labels above */
enum { V_NAME, V_DATE, V_PLACE, V_NUM, V_TEXT, V_STATUS };
static const int label_kind[] = {V_NAME, V_DATE, V_PLACE, V_NAME, V_PLACE, V_STATUS,
				 V_NUM,  V_DATE, V_TEXT,  V_TEXT, V_NAME,  V_TEXT};
#define NLABELS 12
#define NNAMES 300
#define NPLACES 40

static char *names_en[NNAMES], *names_ar[NNAMES], *places_en[NPLACES], *places_ar[NPLACES];

struct tpl {
	int ar;
	int label[NLABELS];
	size_t nl;
	struct letter intro, between[NLABELS], footer;
};

static void push_words(struct letter *l, const char *s)
{
	char buf[256];
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, " ");
		snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
		if (n)
			push(l, buf);
		p += n;
		while (*p == ' ')
			p++;
	}
}

static void zipf_words(struct letter *l, size_t n)
{
	while (n--)
		push(l, word(l->ar));
}

static void make_template(struct tpl *t, int ar)
{
	size_t i, k;
	int used[NLABELS] = {0};
	memset(t, 0, sizeof(*t));
	t->ar = ar;
	t->intro.ar = t->footer.ar = ar;
	zipf_words(&t->intro, 15 + rnd(25));
	zipf_words(&t->footer, 5 + rnd(8));
	t->nl = 6 + rnd(4);
	for (i = 0; i < t->nl; i++) {
		do
			k = rnd(NLABELS);
		while (used[k]);
		used[k] = 1;
		t->label[i] = (int)k;
		t->between[i].ar = ar;
		if (frand() < 0.3)
			zipf_words(&t->between[i], 5 + rnd(6));
	}
}

static void tpl_free(struct tpl *t)
{
	size_t i;
	letter_free(&t->intro);
	letter_free(&t->footer);
	for (i = 0; i < NLABELS; i++)
		letter_free(&t->between[i]);
}

/* One person's answers: the words of each field's value. */
static void fill_value(struct letter *l, int kind)
{
	char buf[64];
	size_t k;
	switch (kind) {
	case V_NAME:
		for (k = 0, buf[0] = 0; k < 2 + rnd(2); k++)
			push(l, l->ar ? names_ar[rnd(NNAMES)] : names_en[rnd(NNAMES)]);
		break;
	case V_DATE:
		snprintf(buf, sizeof(buf), "%u/%u/%u", 1 + rnd(28), 1 + rnd(12), 1960 + rnd(45));
		push(l, buf);
		break;
	case V_PLACE:
		push(l, l->ar ? places_ar[rnd(NPLACES)] : places_en[rnd(NPLACES)]);
		break;
	case V_NUM:
		snprintf(buf, sizeof(buf), "%u", rnd(9));
		push(l, buf);
		break;
	case V_STATUS:
		push(l, l->ar ? (rnd(2) ? "متزوج" : "أعزب") : (rnd(2) ? "married" : "single"));
		break;
	default:
		zipf_words(l, 3 + rnd(13));
	}
}

static void fill_form(struct letter *l, const struct tpl *t)
{
	size_t i, k;
	memset(l, 0, sizeof(*l));
	l->ar = t->ar;
	push_words(l, t->ar ? "الدولة الإسلامية ديوان الجند مكتب شؤون الأفراد" : "Islamic State Diwan of Soldiers office of personnel affairs");
	push(l, "\n\n");
	for (k = 0; k < t->intro.n; k++)
		push(l, t->intro.w[k]);
	push(l, "\n\n");
	for (i = 0; i < t->nl; i++) {
		char buf[128];
		size_t before = l->n;
		push_words(l, t->ar ? labels_ar[t->label[i]] : labels_en[t->label[i]]);
		snprintf(buf, sizeof(buf), "%s:", l->w[l->n - 1]);
		free(l->w[l->n - 1]);
		l->w[l->n - 1] = strdup(buf);
		(void)before;
		fill_value(l, label_kind[t->label[i]]);
		push(l, "\n\n");
		for (k = 0; k < t->between[i].n; k++)
			push(l, t->between[i].w[k]);
		if (t->between[i].n)
			push(l, "\n\n");
	}
	for (k = 0; k < t->footer.n; k++)
		push(l, t->footer.w[k]);
}

struct fq {
	char **text;
	dft_shingles *sh;
	dft_minhash *mh;
	size_t n;
	int *person;   /* forms: the person (a filled form and its copies); -1: not a form */
	int *tplof;    /* forms: the template; -1 */
	size_t *parent;
	struct pairs near; /* ordinary pairs */
	const dft_forms *forms;
};

static int fq_text(void *ctx, size_t i, dft_buf *out)
{
	struct fq *q = ctx;
	return dft_buf_adds(out, q->text[i]);
}

static size_t fq_find(size_t *p, size_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

static int fq_union(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct fq *q = ctx;
	size_t ra = fq_find(q->parent, a), rb = fq_find(q->parent, b);
	(void)sim, (void)exact;
	if (ra != rb)
		q->parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
	return 0;
}

static int fq_want_ordinary(void *ctx, size_t a, size_t b)
{
	struct fq *q = ctx;
	return q->forms->family_of[a] == SIZE_MAX && q->forms->family_of[b] == SIZE_MAX;
}

static int fq_pair_ordinary(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct fq *q = ctx;
	struct qctx qc = {NULL, &q->near};
	collect(&qc, a, b, sim, exact);
	return fq_union(ctx, a, b, sim, exact);
}

static int fq_shingles(void *ctx, size_t i, dft_shingles *out)
{
	struct fq *q = ctx;
	out->h = malloc(q->sh[i].n * sizeof(uint64_t) + 1);
	memcpy(out->h, q->sh[i].h, q->sh[i].n * sizeof(uint64_t));
	out->n = out->cap = q->sh[i].n;
	return 0;
}

struct cp {
	size_t root;
	int person;
};

static int cmp_cp(const void *a, const void *b)
{
	const struct cp *x = a, *y = b;
	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

static void test_forms(void **state)
{
	const char *env = getenv("DAFTAR_FORMS_N");
	size_t nforms = env ? (size_t)strtoul(env, NULL, 10) : 4000, nletters = nforms / 3 + 500;
	struct tpl tpls[4];
	struct fq q;
	struct cp *cps;
	dft_analyzer *an;
	dft_forms fm;
	dft_forms_opts fo;
	dft_near_opts o;
	dft_near_stats st, fst;
	struct pairs truth = {0};
	size_t i, j, k, cap, persons = 0, ncp = 0, same_truth = 0, same_in = 0, in_cluster = 0, c;
	double t0, t_forms, t_pairs, p, r;
	(void)state;

	seed = 20261207;
	make_vocab();
	for (i = 0; i < NNAMES; i++) {
		struct letter tmp = {0};
		tmp.ar = 0;
		names_en[i] = strdup(vocab_en[VOCAB - 1 - i]);
		names_ar[i] = strdup(vocab_ar[VOCAB - 1 - i]);
		(void)tmp;
	}
	for (i = 0; i < NPLACES; i++) {
		places_en[i] = strdup(vocab_en[VOCAB - 1 - NNAMES - i]);
		places_ar[i] = strdup(vocab_ar[VOCAB - 1 - NNAMES - i]);
	}
	for (i = 0; i < 4; i++)
		make_template(&tpls[i], i >= 2);

	cap = nforms + nletters + 128;
	memset(&q, 0, sizeof(q));
	q.text = calloc(cap, sizeof(char *));
	q.person = calloc(cap, sizeof(int));
	q.tplof = calloc(cap, sizeof(int));
	/* forms: a person's form, sometimes copied again (OCR noise and/or
	 * another header and footer), interleaved with letters */
	while (q.n < nforms + nletters && q.n < cap - 16) {
		if (frand() < 0.8) { /* letters come in families of ~3 */
			struct letter f, g;
			int ti = (int)rnd(4);
			size_t copies = frand() < 0.2 ? 1 + rnd(2) : 0;
			fill_form(&f, &tpls[ti]);
			q.person[q.n] = (int)persons;
			q.tplof[q.n] = ti;
			q.text[q.n++] = render(&f);
			for (k = 0; k < copies && q.n < cap - 1; k++) {
				double u = frand();
				copy_letter(&g, &f);
				if (u < 0.7)
					ocr_noise(&g, 0.01 + frand() * 0.04);
				if (u >= 0.4)
					headers(&g);
				q.person[q.n] = (int)persons;
				q.tplof[q.n] = ti;
				q.text[q.n++] = render(&g);
				letter_free(&g);
			}
			letter_free(&f);
			persons++;
		} else {
			struct letter fam_l[8];
			size_t nv = frand() < 0.3 ? 0 : rnd(8);
			int ar = frand() < 0.5;
			base_letter(&fam_l[0], ar);
			for (k = 1; k <= nv; k++) {
				copy_letter(&fam_l[k], &fam_l[rnd((unsigned)k)]);
				mutate(&fam_l[k]);
			}
			for (k = 0; k <= nv && q.n < cap - 1; k++) {
				q.person[q.n] = -1;
				q.tplof[q.n] = -1;
				q.text[q.n++] = render(&fam_l[k]);
			}
			for (k = 0; k <= nv; k++)
				letter_free(&fam_l[k]);
		}
	}
	{
		/* one letter in 40 versions (edits at random places): text shared by
		 * many, but no fields: must stay ordinary near-duplicates */
		struct letter base, v;
		base_letter(&base, 0);
		for (k = 0; k < 40; k++) {
			copy_letter(&v, &base);
			insert_words(&v, 1 + rnd(3));
			delete_words(&v, 1 + rnd(3));
			q.person[q.n] = -1;
			q.tplof[q.n] = -1;
			q.text[q.n++] = render(&v);
			letter_free(&v);
		}
		letter_free(&base);
	}
	q.sh = calloc(q.n, sizeof(*q.sh));
	q.mh = calloc(q.n, sizeof(*q.mh));
	q.parent = calloc(q.n, sizeof(size_t));
	assert_int_equal(dft_analyzer_new(&an, NULL, 0), 0);
	for (i = 0; i < q.n; i++) {
		dft_shingles_init(&q.sh[i]);
		assert_int_equal(dft_shingles_of_text(&q.sh[i], an, q.text[i], strlen(q.text[i])), 0);
		dft_minhash_sign(&q.mh[i], &q.sh[i]);
		q.parent[i] = i;
	}

	/* the production path: families, copies on the filled-in parts, and
	 * ordinary near-duplicates among the rest */
	memset(&fo, 0, sizeof(fo));
	fo.text = fq_text;
	fo.ctx = &q;
	fo.an = an;
	t0 = dft_now();
	assert_int_equal(dft_forms_find(&fm, q.mh, q.n, &fo), 0);
	t_forms = dft_now() - t0;
	q.forms = &fm;
	memset(&fst, 0, sizeof(fst));
	t0 = dft_now();
	assert_int_equal(dft_forms_pairs(&fm, 0, NULL, NULL, fq_union, &q, &fst), 0);
	t_pairs = dft_now() - t0;
	memset(&o, 0, sizeof(o));
	o.threshold = THRESHOLD;
	o.want = fq_want_ordinary;
	o.shingles = fq_shingles;
	o.pair = fq_pair_ordinary;
	o.ctx = &q;
	assert_int_equal(dft_near_pairs(q.mh, q.n, &o, &st), 0);

	for (i = 0, nforms = 0; i < q.n; i++)
		nforms += q.person[i] >= 0;
	printf("  %zu documents: %zu forms of %zu people from 4 templates, %zu letters\n", q.n, nforms, persons,
	       q.n - nforms);
	printf("  forms: %zu candidates, %zu families, %zu rejected, %zu texts read; %.2f s; filled-in pairs "
	       "%.2f s (%llu candidates, %llu exact checks)\n",
	       fm.candidates, fm.nfam, fm.rejected, fm.texts_read, t_forms, t_pairs,
	       (unsigned long long)fst.candidates, (unsigned long long)fst.exact);

	/* each template is one family, with its fields */
	for (i = 0; i < fm.nfam; i++) {
		const dft_form_family *F = &fm.fam[i];
		int t = q.tplof[F->members[0]];
		size_t of_t = 0, all_t = 0;
		assert_true(t >= 0);
		for (k = 0; k < F->n; k++)
			of_t += q.tplof[F->members[k]] == t;
		for (k = 0; k < q.n; k++)
			all_t += q.tplof[k] == t;
		printf("  template %d (%s): %zu of its %zu forms, %zu others; %zu template words, %zu field anchors, "
		       "%zu fields, template share %.2f\n",
		       t, tpls[t].ar ? "ar" : "en", of_t, all_t, F->n - of_t, F->template_words, F->field_anchors,
		       F->nfields, F->template_share);
		if (i == 0 && F->nfields)
			printf("    first field \"%s\" = \"%s\"\n", F->fields[0].label,
			       F->fields[0].value[0] ? F->fields[0].value[0] : "(none)");
		assert_int_equal(fm.nfam, 4);
		assert_true(of_t == F->n);                   /* nothing but this template's forms */
		assert_true((double)of_t >= 0.99 * (double)all_t); /* and almost all of them */
		assert_true(F->nfields + 1 >= tpls[t].nl);   /* fields aligned (OCR may hide one) */
	}

	/* forms: pairs in one cluster, same person or not */
	cps = calloc(q.n, sizeof(*cps));
	for (i = 0; i < q.n; i++)
		if (q.person[i] >= 0) {
			cps[ncp].root = fq_find(q.parent, i);
			cps[ncp++].person = q.person[i];
		}
	qsort(cps, ncp, sizeof(*cps), cmp_cp);
	for (i = 0; i < ncp; i = j) {
		size_t in_root;
		for (j = i; j < ncp && cps[j].root == cps[i].root; j++)
			;
		in_root = j - i;
		in_cluster += in_root * (in_root - 1) / 2;
		for (k = i; k < j;) {
			size_t m = k;
			while (m < j && cps[m].person == cps[k].person)
				m++;
			same_in += (m - k) * (m - k - 1) / 2;
			k = m;
		}
	}
	for (i = 0; i < q.n;) { /* a person's copies are consecutive */
		if (q.person[i] < 0) {
			i++;
			continue;
		}
		for (j = i; j < q.n && q.person[j] == q.person[i]; j++)
			;
		same_truth += (j - i) * (j - i - 1) / 2;
		i = j;
	}
	p = in_cluster ? (double)same_in / (double)in_cluster : 1.0;
	r = same_truth ? (double)same_in / (double)same_truth : 1.0;
	printf("  forms: %zu pairs of copies, %zu pairs in one cluster, %zu of them copies: precision %.4f recall "
	       "%.4f\n",
	       same_truth, in_cluster, same_in, p, r);
	assert_true(same_truth > 100);
	assert_true(p >= 0.99);
	assert_true(r >= 0.95);

	/* the ordinary near-duplicates among the letters, against brute force */
	for (i = 0; i < q.n; i++) {
		if (q.person[i] >= 0)
			continue;
		for (j = i + 1; j < q.n; j++) {
			size_t a = q.sh[i].n, b = q.sh[j].n;
			struct qctx qc = {NULL, &truth};
			if (q.person[j] >= 0 || (double)(a < b ? a : b) < THRESHOLD * (double)(a < b ? b : a))
				continue;
			if (dft_shingles_jaccard(&q.sh[i], &q.sh[j]) >= THRESHOLD)
				collect(&qc, i, j, 1, 1);
		}
	}
	qsort(truth.k, truth.n, sizeof(uint64_t), cmp_u64);
	qsort(q.near.k, q.near.n, sizeof(uint64_t), cmp_u64);
	c = common(&q.near, &truth);
	p = q.near.n ? (double)c / (double)q.near.n : 1.0;
	r = truth.n ? (double)c / (double)truth.n : 1.0;
	printf("  letters: %zu pairs with J >= %.1f; found %zu: precision %.4f recall %.4f\n", truth.n, THRESHOLD,
	       q.near.n, p, r);
	assert_true(truth.n > 100);
	assert_true(p >= 0.99);
	assert_true(r >= 0.95);

	dft_forms_dispose(&fm);
	for (i = 0; i < q.n; i++) {
		dft_shingles_dispose(&q.sh[i]);
		free(q.text[i]);
	}
	free(cps);
	free(q.sh);
	free(q.mh);
	free(q.text);
	free(q.person);
	free(q.tplof);
	free(q.parent);
	free(q.near.k);
	free(truth.k);
	for (i = 0; i < 4; i++)
		tpl_free(&tpls[i]);
	for (i = 0; i < NNAMES; i++) {
		free(names_en[i]);
		free(names_ar[i]);
	}
	for (i = 0; i < NPLACES; i++) {
		free(places_en[i]);
		free(places_ar[i]);
	}
	dft_analyzer_free(an);
	for (i = 0; i < VOCAB; i++) {
		free(vocab_en[i]);
		free(vocab_ar[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quality),
		cmocka_unit_test(test_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
