/*
 * daftar-train.c - trains the NER models daftar's tagger (src/entities/ner.c)
 * loads, and evaluates them.
 *
 *   daftar-train train --lang en|ar --out MODEL [--dev FILE] [--epochs N] [--prune W]
 *                [--anetac FILE] [--anergazet DIR] TRAIN...
 *   daftar-train eval --model MODEL TEST
 *
 * Input: CoNLL-style files, a word and its tag on a line (extra columns
 * between them are ignored; the tag is the last field), a blank line between
 * sentences, -DOCSTART- between documents (and each file is one); IOB1 or
 * IOB2; PER/PERS, ORG, LOC, MISC/MIS*; anything else is O. English
 * features read the whole document of a sentence (ner_doc).
 * Training: a structured averaged perceptron (Collins 2002) over BIO tags
 * with Viterbi decoding, features from ner_model.c (the tagger's own), the
 * number of epochs chosen on the dev file. Gazetteer features on the
 * training set use a gazetteer built from the other half of the training
 * set (plus the external lists), so that their weights reflect how a
 * gazetteer behaves on unseen text. Deterministic: the shuffle is seeded.
 * eval prints conlleval-style entity scores (exact span and type) of the
 * model and of a gazetteer-only baseline (longest match of the model's
 * gazetteer: training entities + ANETAC/ANERGazet), and the tagging speed.
 */
#include "../src/entities/ner_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- corpora ---------------------------------------------------------------- */

typedef struct sent {
	size_t first, n; /* words[first .. first+n) */
	int doc_first;   /* the first sentence of a document (-DOCSTART-, a new file) */
} sent;

typedef struct corpus {
	char **bufs;
	size_t nbufs;
	char **words;
	size_t *lens;
	int *tags;
	size_t nwords, capwords;
	sent *sents;
	size_t nsents, capsents;
	int new_doc; /* the next sentence starts a document */
} corpus;

static void corpus_free(corpus *c)
{
	for (size_t i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->words);
	free(c->lens);
	free(c->tags);
	free(c->sents);
	memset(c, 0, sizeof *c);
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	dft_buf b;
	char tmp[65536];
	size_t n;
	int rc = 0;
	if (!f)
		return dft_error_set(DFT_EIO, "cannot open %s", path);
	dft_buf_init(&b, (size_t)1 << 30);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && rc == 0)
		rc = dft_buf_add(&b, tmp, n);
	fclose(f);
	if (rc)
		return rc;
	*len = b.len;
	*out = dft_buf_detach(&b);
	if (!*out)
		*out = dft_strdup("");
	return *out ? 0 : DFT_ENOMEM;
}

static int end_sentence(corpus *c, size_t *first)
{
	if (c->nwords > *first) {
		if (c->nsents == c->capsents) {
			size_t nc = c->capsents ? c->capsents * 2 : 1024;
			sent *ns = dft_realloc(c->sents, nc * sizeof *ns);
			if (!ns)
				return DFT_ENOMEM;
			c->sents = ns;
			c->capsents = nc;
		}
		/* long sentences are cut to what the tagger takes */
		while (c->nwords - *first > 0) {
			size_t n = c->nwords - *first;
			if (n > NER_SENT_MAX)
				n = NER_SENT_MAX;
			if (c->nsents == c->capsents) {
				size_t nc = c->capsents * 2;
				sent *ns = dft_realloc(c->sents, nc * sizeof *ns);
				if (!ns)
					return DFT_ENOMEM;
				c->sents = ns;
				c->capsents = nc;
			}
			c->sents[c->nsents].first = *first;
			c->sents[c->nsents].n = n;
			c->sents[c->nsents].doc_first = c->new_doc;
			c->new_doc = 0;
			c->nsents++;
			*first += n;
		}
	}
	*first = c->nwords;
	return 0;
}

static int corpus_read(corpus *c, const char *path)
{
	char *buf = NULL, **nb;
	size_t len = 0, i = 0, first = c->nwords;
	int rc = read_file(path, &buf, &len);
	if (rc)
		return rc;
	nb = dft_realloc(c->bufs, (c->nbufs + 1) * sizeof *nb);
	if (!nb) {
		free(buf);
		return DFT_ENOMEM;
	}
	c->bufs = nb;
	c->bufs[c->nbufs++] = buf;
	c->new_doc = 1;
	while (i < len) {
		size_t e = i, ws, we, ts, te, k;
		int prev;
		while (e < len && buf[e] != '\n')
			e++;
		/* fields: first and last */
		k = i;
		while (k < e && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r'))
			k++;
		ws = k;
		while (k < e && buf[k] != ' ' && buf[k] != '\t' && buf[k] != '\r')
			k++;
		we = k;
		te = e;
		while (te > we && (buf[te - 1] == ' ' || buf[te - 1] == '\t' || buf[te - 1] == '\r'))
			te--;
		ts = te;
		while (ts > we && buf[ts - 1] != ' ' && buf[ts - 1] != '\t')
			ts--;
		if (ws == we) {
			rc = end_sentence(c, &first);
		} else if (we - ws == 10 && memcmp(buf + ws, "-DOCSTART-", 10) == 0) {
			rc = end_sentence(c, &first);
			c->new_doc = 1;
		} else if (ts < te) {
			if (c->nwords == c->capwords) {
				size_t nc = c->capwords ? c->capwords * 2 : 65536;
				char **nw = dft_realloc(c->words, nc * sizeof *nw);
				size_t *nl = nw ? dft_realloc(c->lens, nc * sizeof *nl) : NULL;
				int *nt;
				if (nw)
					c->words = nw;
				if (nl)
					c->lens = nl;
				nt = nl ? dft_realloc(c->tags, nc * sizeof *nt) : NULL;
				if (!nt) {
					rc = DFT_ENOMEM;
					break;
				}
				c->tags = nt;
				c->capwords = nc;
			}
			buf[we] = 0;
			prev = c->nwords > first ? c->tags[c->nwords - 1] : 0;
			c->words[c->nwords] = buf + ws;
			c->lens[c->nwords] = we - ws;
			c->tags[c->nwords] = ner_tag_parse(buf + ts, te - ts, prev);
			c->nwords++;
		}
		if (rc)
			break;
		i = e + 1;
	}
	if (rc == 0)
		rc = end_sentence(c, &first);
	return rc;
}

/* ---- gazetteers ----------------------------------------------------------------- */

static int load_anetac(ner_gaz *g, const char *path, int arabic)
{
	char *buf = NULL;
	size_t len = 0, i = 0, count = 0;
	int rc = read_file(path, &buf, &len);
	if (rc)
		return rc;
	while (i < len && rc == 0) {
		size_t e = i, a, b, f2, f3;
		int type = -1;
		while (e < len && buf[e] != '\n')
			e++;
		a = i;
		while (a < e && buf[a] != ' ')
			a++;
		if (a - i == 6 && memcmp(buf + i, "PERSON", 6) == 0)
			type = DFT_ENT_PERSON;
		else if (a - i == 8 && memcmp(buf + i, "LOCATION", 8) == 0)
			type = DFT_ENT_PLACE;
		else if (a - i == 12 && memcmp(buf + i, "ORGANIZATION", 12) == 0)
			type = DFT_ENT_ORG;
		f2 = a + 1;
		b = f2;
		while (b < e && buf[b] != ' ')
			b++;
		f3 = b + 1;
		if (type >= 0 && b < e) {
			size_t end3 = e;
			while (end3 > f3 && (buf[end3 - 1] == '\r' || buf[end3 - 1] == ' '))
				end3--;
			if (arabic)
				rc = ner_gaz_add_text(g, buf + f3, end3 - f3, type, 1);
			else
				rc = ner_gaz_add_text(g, buf + f2, b - f2, type, 0);
			count++;
		}
		i = e + 1;
	}
	free(buf);
	fprintf(stderr, "gazetteer %s: %zu entries\n", path, count);
	return rc;
}

static int load_anergazet(ner_gaz *g, const char *dir)
{
	static const struct {
		const char *file;
		int type;
	} files[] = {{"AlignedLocGazetteer.txt", DFT_ENT_PLACE},
		     {"AlignedOrgGazetteer.txt", DFT_ENT_ORG},
		     {"AlignedPersGazetteer.txt", DFT_ENT_PERSON}};
	int rc = 0;
	for (size_t f = 0; f < 3 && rc == 0; f++) {
		dft_buf p;
		char *buf = NULL;
		size_t len = 0, i = 0, count = 0;
		dft_buf_init(&p, 8192);
		rc = dft_buf_addf(&p, "%s/%s", dir, files[f].file);
		if (rc == 0)
			rc = read_file(dft_buf_cstr(&p), &buf, &len);
		while (rc == 0 && i < len) {
			size_t e = i, end;
			while (e < len && buf[e] != '\n')
				e++;
			end = e;
			while (end > i && (buf[end - 1] == '\r' || buf[end - 1] == ' '))
				end--;
			if (end > i && buf[i] != '=' && buf[i] != '*') {
				rc = ner_gaz_add_text(g, buf + i, end - i, files[f].type, 1);
				count++;
			}
			i = e + 1;
		}
		if (rc == 0)
			fprintf(stderr, "gazetteer %s: %zu entries\n", dft_buf_cstr(&p), count);
		free(buf);
		dft_buf_dispose(&p);
	}
	return rc;
}

/* Add the entities of sentences [from, to) of c to g. */
static int gaz_add_corpus(ner_gaz *g, const corpus *c, size_t from, size_t to, int arabic)
{
	dft_buf b;
	int rc = 0;
	dft_buf_init(&b, 1 << 20);
	for (size_t s = from; s < to && rc == 0; s++) {
		const sent *st = &c->sents[s];
		for (size_t i = 0; i < st->n && rc == 0;) {
			int t = c->tags[st->first + i];
			size_t j;
			if (!t) {
				i++;
				continue;
			}
			dft_buf_reset(&b);
			for (j = i; j < st->n; j++) {
				if (j > i && c->tags[st->first + j] != NER_TAG_I(NER_TAG_TYPE(t)))
					break;
				if (j > i)
					rc = dft_buf_addc(&b, ' ');
				if (rc == 0)
					rc = dft_buf_add(&b, c->words[st->first + j], c->lens[st->first + j]);
			}
			if (rc == 0)
				rc = ner_gaz_add_text(g, b.ptr, b.len, NER_TAG_TYPE(t), arabic);
			i = j;
		}
	}
	dft_buf_dispose(&b);
	return rc;
}

/* ---- scoring ------------------------------------------------------------------------ */

typedef struct score {
	size_t tp[4], fp[4], fn[4];
} score;

/* Spans as conlleval reads them: B-x starts one, so does an I-x that does
 * not continue a span of x. */
static int span_end(const int *t, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && t[j] == NER_TAG_I(NER_TAG_TYPE(t[i])))
		j++;
	return (int)j;
}

static void score_add(score *s, const int *gold, const int *pred, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int gs = gold[i] && (NER_TAG_IS_B(gold[i]) || i == 0 ||
				     NER_TAG_TYPE(gold[i - 1]) != NER_TAG_TYPE(gold[i]) || !gold[i - 1]);
		int ps = pred[i] && (NER_TAG_IS_B(pred[i]) || i == 0 ||
				     NER_TAG_TYPE(pred[i - 1]) != NER_TAG_TYPE(pred[i]) || !pred[i - 1]);
		if (gs && ps && NER_TAG_TYPE(gold[i]) == NER_TAG_TYPE(pred[i]) &&
		    span_end(gold, n, i) == span_end(pred, n, i))
			s->tp[NER_TAG_TYPE(gold[i])]++;
		else {
			if (gs)
				s->fn[NER_TAG_TYPE(gold[i])]++;
			if (ps)
				s->fp[NER_TAG_TYPE(pred[i])]++;
		}
	}
}

static double f1_of(size_t tp, size_t fp, size_t fn, double *p, double *r)
{
	*p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
	*r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
	return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

static double score_f1(const score *s)
{
	size_t tp = 0, fp = 0, fn = 0;
	double p, r;
	for (int t = 0; t < 4; t++) {
		tp += s->tp[t];
		fp += s->fp[t];
		fn += s->fn[t];
	}
	return f1_of(tp, fp, fn, &p, &r);
}

static void score_print(const char *title, const score *s)
{
	static const char *names[4] = {"PER", "ORG", "LOC", "MISC"};
	size_t tp = 0, fp = 0, fn = 0;
	double p, r, f;
	printf("%s\n", title);
	for (int t = 0; t < 4; t++) {
		f = f1_of(s->tp[t], s->fp[t], s->fn[t], &p, &r);
		printf("  %-5s precision %6.2f%%  recall %6.2f%%  F1 %6.2f  (gold %zu, found %zu)\n",
		       names[t], 100 * p, 100 * r, 100 * f, s->tp[t] + s->fn[t], s->tp[t] + s->fp[t]);
		tp += s->tp[t];
		fp += s->fp[t];
		fn += s->fn[t];
	}
	f = f1_of(tp, fp, fn, &p, &r);
	printf("  all   precision %6.2f%%  recall %6.2f%%  F1 %6.2f\n", 100 * p, 100 * r, 100 * f);
}

/* ---- training ------------------------------------------------------------------------- */

typedef struct trainer {
	int arabic;
	ner_htab dict;  /* feature key -> index */
	uint64_t *keys; /* index -> key */
	size_t nfeat, capfeat;
	int32_t *w;  /* nfeat * NT */
	int64_t *u;  /* sum of c * update, for averaging */
	int32_t tw[NER_NT * NER_NT + NER_NT];
	int64_t tu[NER_NT * NER_NT + NER_NT];
	int64_t c;
	float *avg; /* nfeat * NT, last average */
	float tavg[NER_NT * NER_NT + NER_NT];
} trainer;

/* Features of a corpus as indices (UINT32_MAX: not in the dictionary). */
typedef struct fcorpus {
	uint32_t *idx; /* per word NER_MAXFEAT slots */
	uint8_t *nf;
} fcorpus;

/* The document that starts at sentence s0, as the tagger sees it: every
 * sentence's words with the gazetteer spans the sentence's features use
 * (English only; Arabic has no document features). */
static int corpus_doc(const corpus *c, size_t s0, const ner_gaz *g1, const ner_gaz *g2,
		      size_t split, int arabic, ner_doc *doc)
{
	ner_word *w;
	uint16_t gz[NER_SENT_MAX];
	uint8_t glen[NER_SENT_MAX];
	int rc = 0;
	ner_doc_reset(doc);
	if (arabic)
		return 0;
	w = dft_malloc(NER_SENT_MAX * sizeof *w);
	if (!w)
		return DFT_ENOMEM;
	for (size_t s = s0; s < c->nsents && rc == 0 && (s == s0 || !c->sents[s].doc_first); s++) {
		const sent *st = &c->sents[s];
		for (size_t i = 0; i < st->n && rc == 0; i++)
			rc = ner_word_prep(&w[i], c->words[st->first + i], c->lens[st->first + i], 0);
		if (rc)
			break;
		ner_gaz_spans(s < split ? g1 : g2, w, st->n, 0, gz, glen);
		rc = ner_doc_add(doc, w, st->n, gz, glen);
	}
	free(w);
	return rc ? rc : ner_doc_finish(doc);
}

static int extract(trainer *tr, const corpus *c, const ner_gaz *g1, const ner_gaz *g2,
		   size_t split, int grow, fcorpus *fc)
{
	ner_word *w = dft_malloc(NER_SENT_MAX * sizeof *w);
	uint64_t *f = dft_malloc(NER_SENT_MAX * NER_MAXFEAT * sizeof *f);
	ner_doc doc;
	int rc = 0;
	ner_doc_init(&doc);
	fc->idx = dft_malloc((c->nwords ? c->nwords : 1) * NER_MAXFEAT * sizeof *fc->idx);
	fc->nf = dft_malloc((c->nwords ? c->nwords : 1));
	if (!w || !f || !fc->idx || !fc->nf) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (size_t s = 0, dfirst = 0; s < c->nsents && rc == 0; s++) {
		const sent *st = &c->sents[s];
		const ner_gaz *g = s < split ? g1 : g2;
		if (st->doc_first || s == 0) {
			dfirst = st->first;
			rc = corpus_doc(c, s, g1, g2, split, tr->arabic, &doc);
		}
		for (size_t i = 0; i < st->n && rc == 0; i++)
			rc = ner_word_prep(&w[i], c->words[st->first + i], c->lens[st->first + i],
					   tr->arabic);
		if (rc)
			break;
		ner_features(w, st->n, g, tr->arabic, doc.n ? &doc : NULL, st->first - dfirst, f,
			     fc->nf + st->first);
		for (size_t i = 0; i < st->n && rc == 0; i++) {
			uint32_t *out = fc->idx + (st->first + i) * NER_MAXFEAT;
			for (size_t k = 0; k < fc->nf[st->first + i] && rc == 0; k++) {
				uint64_t key = f[i * NER_MAXFEAT + k];
				uint32_t *v;
				if (grow) {
					int added = 0;
					rc = ner_htab_put(&tr->dict, key, &v, &added);
					if (rc)
						break;
					if (added) {
						if (tr->nfeat == tr->capfeat) {
							size_t nc = tr->capfeat ? tr->capfeat * 2 : 1 << 16;
							uint64_t *nk = dft_realloc(tr->keys, nc * sizeof *nk);
							if (!nk) {
								rc = DFT_ENOMEM;
								break;
							}
							tr->keys = nk;
							tr->capfeat = nc;
						}
						tr->keys[tr->nfeat] = key;
						*v = (uint32_t)tr->nfeat++;
					}
					out[k] = *v;
				} else {
					v = ner_htab_get(&tr->dict, key);
					out[k] = v ? *v : UINT32_MAX;
				}
			}
		}
	}
done:
	ner_doc_dispose(&doc);
	free(w);
	free(f);
	return rc;
}

static void emit_int(const trainer *tr, const fcorpus *fc, const sent *st, float *emit)
{
	for (size_t i = 0; i < st->n; i++) {
		float *e = emit + i * NER_NT;
		const uint32_t *ix = fc->idx + (st->first + i) * NER_MAXFEAT;
		memset(e, 0, NER_NT * sizeof *e);
		for (size_t k = 0; k < fc->nf[st->first + i]; k++) {
			if (ix[k] == UINT32_MAX)
				continue;
			const int32_t *wr = tr->w + (size_t)ix[k] * NER_NT;
			for (int t = 0; t < NER_NT; t++)
				e[t] += (float)wr[t];
		}
	}
}

static void emit_avg(const trainer *tr, const fcorpus *fc, const sent *st, float *emit)
{
	for (size_t i = 0; i < st->n; i++) {
		float *e = emit + i * NER_NT;
		const uint32_t *ix = fc->idx + (st->first + i) * NER_MAXFEAT;
		memset(e, 0, NER_NT * sizeof *e);
		for (size_t k = 0; k < fc->nf[st->first + i]; k++) {
			if (ix[k] == UINT32_MAX)
				continue;
			const float *wr = tr->avg + (size_t)ix[k] * NER_NT;
			for (int t = 0; t < NER_NT; t++)
				e[t] += wr[t];
		}
	}
}

static void upd(trainer *tr, int32_t *w, int64_t *u, int d)
{
	*w += d;
	*u += tr->c * d;
}

static void update(trainer *tr, const fcorpus *fc, const sent *st, const int *gold,
		   const int *pred)
{
	for (size_t i = 0; i < st->n; i++) {
		int g = gold[i], p = pred[i];
		int gp = i ? gold[i - 1] : -1, pp = i ? pred[i - 1] : -1;
		if (g != p) {
			const uint32_t *ix = fc->idx + (st->first + i) * NER_MAXFEAT;
			for (size_t k = 0; k < fc->nf[st->first + i]; k++) {
				size_t b = (size_t)ix[k] * NER_NT;
				upd(tr, &tr->w[b + g], &tr->u[b + g], 1);
				upd(tr, &tr->w[b + p], &tr->u[b + p], -1);
			}
		}
		if (g != p || gp != pp) {
			size_t gi = gp < 0 ? (size_t)(NER_NT * NER_NT + g) : (size_t)gp * NER_NT + (size_t)g;
			size_t pi = pp < 0 ? (size_t)(NER_NT * NER_NT + p) : (size_t)pp * NER_NT + (size_t)p;
			upd(tr, &tr->tw[gi], &tr->tu[gi], 1);
			upd(tr, &tr->tw[pi], &tr->tu[pi], -1);
		}
	}
}

static void average(trainer *tr)
{
	double c = (double)tr->c;
	for (size_t i = 0; i < tr->nfeat * NER_NT; i++)
		tr->avg[i] = (float)((double)tr->w[i] - (double)tr->u[i] / c);
	for (size_t i = 0; i < NER_NT * NER_NT + NER_NT; i++)
		tr->tavg[i] = (float)((double)tr->tw[i] - (double)tr->tu[i] / c);
}

static double evaluate_avg(trainer *tr, const corpus *c, const fcorpus *fc, score *sc)
{
	float *emit = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *emit);
	int *back = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *back);
	int pred[NER_SENT_MAX];
	memset(sc, 0, sizeof *sc);
	if (!emit || !back) {
		free(emit);
		free(back);
		return -1;
	}
	for (size_t s = 0; s < c->nsents; s++) {
		const sent *st = &c->sents[s];
		emit_avg(tr, fc, st, emit);
		ner_viterbi(emit, st->n, tr->tavg, tr->tavg + NER_NT * NER_NT, pred, back);
		score_add(sc, c->tags + st->first, pred, st->n);
	}
	free(emit);
	free(back);
	return score_f1(sc);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmd_train(int argc, char **argv)
{
	const char *lang = NULL, *out = NULL, *dev = NULL, *anetac = NULL, *anergazet = NULL;
	int epochs = 30, rc = 0, patience = 5;
	float prune = NER_PRUNE_DEFAULT;
	corpus tc = {0}, dc = {0};
	ner_gaz ext = {0}, g1 = {0}, g2 = {0}, gfull = {0};
	trainer tr;
	fcorpus tf = {0}, df = {0};
	float *best = NULL, tbest[NER_NT * NER_NT + NER_NT];
	double best_f1 = -1, t0 = dft_now();
	int best_epoch = 0;
	size_t *order = NULL, half;
	float *emit = NULL;
	int *back = NULL;
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	struct dft_ner *m = NULL;

	memset(&tr, 0, sizeof tr);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 < argc && strcmp(a, "--lang") == 0)
			lang = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--out") == 0)
			out = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--dev") == 0)
			dev = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--anetac") == 0)
			anetac = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--anergazet") == 0)
			anergazet = argv[++i];
		else if (i + 1 < argc && strcmp(a, "--epochs") == 0)
			epochs = (int)strtol(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(a, "--prune") == 0)
			prune = strtof(argv[++i], NULL);
		else if (a[0] == '-') {
			fprintf(stderr, "daftar-train: unknown option %s\n", a);
			return 2;
		} else if ((rc = corpus_read(&tc, a)) != 0)
			goto done;
	}
	if (!lang || !out || !tc.nsents || epochs < 1) {
		fprintf(stderr, "usage: daftar-train train --lang en|ar --out MODEL [--dev FILE] "
				"[--epochs N] [--prune W] [--anetac FILE] [--anergazet DIR] TRAIN...\n");
		return 2;
	}
	tr.arabic = strcmp(lang, "ar") == 0 || strcmp(lang, "fa") == 0;
	if (dev && (rc = corpus_read(&dc, dev)) != 0)
		goto done;
	fprintf(stderr, "train: %zu sentences, %zu words; dev: %zu sentences\n", tc.nsents,
		tc.nwords, dc.nsents);

	if ((rc = ner_gaz_init(&ext)) != 0)
		goto done;
	if (anetac && (rc = load_anetac(&ext, anetac, tr.arabic)) != 0)
		goto done;
	if (anergazet && (rc = load_anergazet(&ext, anergazet)) != 0)
		goto done;
	half = tc.nsents / 2;
	if ((rc = ner_gaz_copy(&g1, &ext)) != 0 || (rc = ner_gaz_copy(&g2, &ext)) != 0 ||
	    (rc = ner_gaz_copy(&gfull, &ext)) != 0)
		goto done;
	/* the first half sees the second half's entities, and the reverse */
	if ((rc = gaz_add_corpus(&g1, &tc, half, tc.nsents, tr.arabic)) != 0 ||
	    (rc = gaz_add_corpus(&g2, &tc, 0, half, tr.arabic)) != 0 ||
	    (rc = gaz_add_corpus(&gfull, &tc, 0, tc.nsents, tr.arabic)) != 0)
		goto done;
	if ((rc = ner_htab_init(&tr.dict, 1 << 20)) != 0)
		goto done;
	if ((rc = extract(&tr, &tc, &g1, &g2, half, 1, &tf)) != 0)
		goto done;
	if (dc.nsents && (rc = extract(&tr, &dc, &gfull, &gfull, 0, 0, &df)) != 0)
		goto done;
	fprintf(stderr, "features: %zu (%.1f s)\n", tr.nfeat, dft_now() - t0);

	tr.w = dft_calloc(tr.nfeat * NER_NT, sizeof *tr.w);
	tr.u = dft_calloc(tr.nfeat * NER_NT, sizeof *tr.u);
	tr.avg = dft_calloc(tr.nfeat * NER_NT, sizeof *tr.avg);
	best = dft_calloc(tr.nfeat * NER_NT, sizeof *best);
	order = dft_malloc(tc.nsents * sizeof *order);
	emit = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *emit);
	back = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *back);
	if (!tr.w || !tr.u || !tr.avg || !best || !order || !emit || !back) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < tc.nsents; i++)
		order[i] = i;
	tr.c = 1;
	for (int ep = 1; ep <= epochs; ep++) {
		size_t errors = 0;
		score sc;
		double f1;
		for (size_t i = tc.nsents; i > 1; i--) {
			size_t j = (size_t)(rng_next(&seed) % i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < tc.nsents; k++) {
			const sent *st = &tc.sents[order[k]];
			int pred[NER_SENT_MAX], same = 1;
			float trans[NER_NT * NER_NT + NER_NT];
			for (size_t i = 0; i < NER_NT * NER_NT + NER_NT; i++)
				trans[i] = (float)tr.tw[i];
			emit_int(&tr, &tf, st, emit);
			ner_viterbi(emit, st->n, trans, trans + NER_NT * NER_NT, pred, back);
			for (size_t i = 0; i < st->n; i++)
				if (pred[i] != tc.tags[st->first + i])
					same = 0;
			if (!same) {
				update(&tr, &tf, st, tc.tags + st->first, pred);
				errors++;
			}
			tr.c++;
		}
		average(&tr);
		f1 = dc.nsents ? evaluate_avg(&tr, &dc, &df, &sc) : (double)ep;
		fprintf(stderr, "epoch %2d: %zu sentences wrong, dev F1 %.4f (%.1f s)\n", ep, errors,
			f1, dft_now() - t0);
		if (f1 > best_f1) {
			best_f1 = f1;
			best_epoch = ep;
			memcpy(best, tr.avg, tr.nfeat * NER_NT * sizeof *best);
			memcpy(tbest, tr.tavg, sizeof tbest);
		} else if (ep - best_epoch >= patience)
			break;
	}
	fprintf(stderr, "best epoch %d (dev F1 %.4f)\n", best_epoch, best_f1);

	/* the model: features with a non-zero weight */
	m = dft_calloc(1, sizeof *m);
	if (!m) {
		rc = DFT_ENOMEM;
		goto done;
	}
	snprintf(m->lang, sizeof m->lang, "%s", lang);
	m->arabic = tr.arabic;
	m->keys = dft_malloc((tr.nfeat + 1) * sizeof *m->keys);
	m->w = dft_malloc((tr.nfeat + 1) * NER_NT * sizeof *m->w);
	if (!m->keys || !m->w) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < tr.nfeat; i++) {
		const float *b = best + i * NER_NT;
		int nz = 0;
		for (int t = 0; t < NER_NT; t++)
			if (fabsf(b[t]) > 1e-4f)
				nz = 1;
		if (!nz)
			continue;
		m->keys[m->nfeat] = tr.keys[i];
		memcpy(m->w + m->nfeat * NER_NT, b, NER_NT * sizeof *b);
		m->nfeat++;
	}
	memcpy(m->trans, tbest, sizeof m->trans);
	memcpy(m->start, tbest + NER_NT * NER_NT, sizeof m->start);
	m->gaz = gfull;
	memset(&gfull, 0, sizeof gfull);
	rc = ner_model_save(m, out, prune);
	if (rc == 0)
		fprintf(stderr, "wrote %s: %zu features, %zu gazetteer entries (%.1f s)\n", out,
			m->nfeat, m->gaz.tab.n, dft_now() - t0);
done:
	if (rc)
		fprintf(stderr, "daftar-train: %s\n", dft_error_msg());
	ner_model_free(m);
	corpus_free(&tc);
	corpus_free(&dc);
	ner_gaz_dispose(&ext);
	ner_gaz_dispose(&g1);
	ner_gaz_dispose(&g2);
	ner_gaz_dispose(&gfull);
	ner_htab_dispose(&tr.dict);
	free(tr.keys);
	free(tr.w);
	free(tr.u);
	free(tr.avg);
	free(best);
	free(order);
	free(emit);
	free(back);
	free(tf.idx);
	free(tf.nf);
	free(df.idx);
	free(df.nf);
	return rc ? 1 : 0;
}

/* ---- evaluation ------------------------------------------------------------------- */

/* Gazetteer-only baseline: longest match left to right, the entry's most
 * frequent type; in Latin script the first word must be capitalised. */
static void baseline_tag(const struct dft_ner *m, const ner_word *w, size_t n, int *tags)
{
	size_t i = 0;
	memset(tags, 0, n * sizeof *tags);
	while (i < n) {
		uint32_t vals[NER_GAZ_MAXLEN + 1];
		size_t L, best = 0;
		if (m->arabic || (w[i].flags & (NER_F_INITCAP | NER_F_ALLCAP))) {
			ner_gaz_match(&m->gaz, w, n, i, m->arabic, vals);
			for (L = NER_GAZ_MAXLEN; L >= 1; L--)
				if (vals[L]) {
					best = L;
					break;
				}
		}
		if (!best) {
			i++;
			continue;
		}
		{
			int t = ner_gaz_major(vals[best]);
			tags[i] = NER_TAG_B(t);
			for (L = 1; L < best; L++)
				tags[i + L] = NER_TAG_I(t);
		}
		i += best;
	}
}

static int count_mention(void *ctx, const dft_mention *mm)
{
	(void)mm;
	(*(size_t *)ctx)++;
	return 0;
}

static int cmd_eval(int argc, char **argv)
{
	const char *model = NULL, *test = NULL;
	struct dft_ner *m = NULL;
	corpus c = {0};
	score ms, bs;
	ner_word *w = NULL;
	uint64_t *f = NULL;
	uint8_t nf[NER_SENT_MAX];
	float *emit = NULL;
	int *back = NULL, pred[NER_SENT_MAX], base[NER_SENT_MAX];
	int rc = 0;
	double t0, t1;
	dft_buf text;
	ner_doc doc;

	ner_doc_init(&doc);
	dft_buf_init(&text, (size_t)1 << 30);
	for (int i = 0; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--model") == 0)
			model = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "daftar-train: unknown option %s\n", argv[i]);
			return 2;
		} else
			test = argv[i];
	}
	if (!model || !test) {
		fprintf(stderr, "usage: daftar-train eval --model MODEL TEST\n");
		return 2;
	}
	if ((rc = ner_model_read(&m, model)) != 0 || (rc = corpus_read(&c, test)) != 0)
		goto done;
	w = dft_malloc(NER_SENT_MAX * sizeof *w);
	f = dft_malloc(NER_SENT_MAX * NER_MAXFEAT * sizeof *f);
	emit = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *emit);
	back = dft_malloc(NER_SENT_MAX * NER_NT * sizeof *back);
	if (!w || !f || !emit || !back) {
		rc = DFT_ENOMEM;
		goto done;
	}
	memset(&ms, 0, sizeof ms);
	memset(&bs, 0, sizeof bs);
	t0 = dft_now();
	for (size_t s = 0, dfirst = 0; s < c.nsents && rc == 0; s++) {
		const sent *st = &c.sents[s];
		if (st->doc_first || s == 0) {
			dfirst = st->first;
			rc = corpus_doc(&c, s, &m->gaz, &m->gaz, 0, m->arabic, &doc);
		}
		for (size_t i = 0; i < st->n && rc == 0; i++)
			rc = ner_word_prep(&w[i], c.words[st->first + i], c.lens[st->first + i],
					   m->arabic);
		if (rc)
			break;
		ner_features(w, st->n, &m->gaz, m->arabic, doc.n ? &doc : NULL, st->first - dfirst, f,
			     nf);
		ner_emit(m, f, nf, st->n, emit);
		ner_viterbi(emit, st->n, m->trans, m->start, pred, back);
		score_add(&ms, c.tags + st->first, pred, st->n);
		baseline_tag(m, w, st->n, base);
		score_add(&bs, c.tags + st->first, base, st->n);
		for (size_t i = 0; i < st->n && rc == 0; i++) {
			rc = dft_buf_add(&text, c.words[st->first + i], c.lens[st->first + i]);
			if (rc == 0)
				rc = dft_buf_addc(&text, i + 1 < st->n ? ' ' : '\n');
		}
	}
	t1 = dft_now();
	if (rc)
		goto done;
	printf("%s on %s: %zu sentences, %zu words\n", model, test, c.nsents, c.nwords);
	score_print("perceptron:", &ms);
	score_print("gazetteer baseline:", &bs);
	printf("tagging words: %.0f words/s\n", (double)c.nwords / (t1 - t0));
	{
		size_t mentions = 0;
		t0 = dft_now();
		rc = dft_ner_scan(m, text.ptr, text.len, count_mention, &mentions);
		t1 = dft_now();
		if (rc == 0)
			printf("dft_ner_scan on the test text (%zu bytes): %zu mentions, %.2f MB/s\n",
			       text.len, mentions, (double)text.len / 1e6 / (t1 - t0));
	}
	printf("F1 %.4f baseline %.4f\n", score_f1(&ms), score_f1(&bs));
done:
	if (rc)
		fprintf(stderr, "daftar-train: %s\n", dft_error_msg());
	ner_doc_dispose(&doc);
	dft_buf_dispose(&text);
	ner_model_free(m);
	corpus_free(&c);
	free(w);
	free(f);
	free(emit);
	free(back);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "train") == 0)
		return cmd_train(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return cmd_eval(argc - 2, argv + 2);
	fprintf(stderr, "usage: daftar-train train|eval ... (see the comment at the top of "
			"tools/daftar-train.c)\n");
	return 2;
}
