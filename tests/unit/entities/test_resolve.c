/*
 * test_resolve.c - resolution of a case's names into entities across
 * documents (src/entities/resolve.c) over a real case store, with the
 * mentions given (not found by the models, so the test says what
 * resolution does whatever a model reads): a one-word nisba the model read
 * as misc or as an organisation joins the one person whose name ends with
 * it ("al-Adnani" -> "Abu Mohammad al-Adnani"), and stays apart when two
 * people end with it or when only its key agrees; ʿAbd names are never
 * merged across (Abd al-Rahman is not Abd al-Rahim).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/entities.h"
#include "daftar/store.h"
#include "../helpers.h"

static char case_dir[4096];

static int setup(void **state)
{
	(void)state;
	return test_dir(case_dir, sizeof(case_dir), "resolve");
}

static int teardown(void **state)
{
	(void)state;
	return test_rmrf(case_dir);
}

/* A document whose text is its one name, mentioned as `type`. */
static void add_named_doc(dft_store *st, int64_t batch, const char *path, int type, const char *name)
{
	dft_location loc;
	dft_extraction ex;
	dft_mention_set ms;
	dft_mention m;
	char sha[DFT_SHA256_HEX];
	int64_t id;
	int is_new;
	dft_sha256_hex(sha, path, strlen(path));
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = (int64_t)strlen(name);
	loc.path = path;
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &id, &is_new), 0);
	memset(&ex, 0, sizeof(ex));
	ex.mime = "text/plain";
	ex.type = "text";
	ex.status = "ok";
	ex.text = name;
	ex.text_len = strlen(name);
	assert_int_equal(dft_store_set_extraction(st, id, &ex), 0);
	dft_mention_set_init(&ms);
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.start = 0;
	m.end = strlen(name);
	m.value = name;
	m.score = 0.9;
	assert_int_equal(dft_mention_set_add(&ms, &m), 0);
	assert_int_equal(dft_entities_store(st, id, name, strlen(name), &ms), 0);
	dft_mention_set_dispose(&ms);
}

struct variant_seen {
	const char *value;
	int found;
	char reason[512];
};

static int on_variant(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	struct variant_seen *v = ctx;
	(void)mentions;
	if (!strcmp(value, v->value)) {
		v->found = 1;
		snprintf(v->reason, sizeof v->reason, "%s", reason ? reason : "");
	}
	return 0;
}

struct entity_find {
	dft_store *st;
	const char *name; /* the entity's display name */
	int type;
	int64_t id;
};

static int on_entity(void *ctx, const dft_entity_row *r)
{
	struct entity_find *f = ctx;
	if (r->type == f->type && !strcmp(r->name, f->name))
		f->id = r->id;
	return 0;
}

/* The entity of display name `name` and type `type` (0 when none). */
static int64_t entity_named(dft_store *st, int type, const char *name)
{
	struct entity_find f = {st, name, type, 0};
	dft_entity_filter flt;
	memset(&flt, 0, sizeof(flt));
	flt.type = -1;
	flt.limit = 1000;
	assert_int_equal(dft_store_entities_list(st, &flt, on_entity, &f), 0);
	return f.id;
}

/* Is `value` a variant of entity id, and why. */
static int has_variant(dft_store *st, int64_t id, const char *value, char *reason, size_t rsz)
{
	struct variant_seen v;
	memset(&v, 0, sizeof(v));
	v.value = value;
	assert_int_equal(dft_store_entity_variants(st, id, on_variant, &v), 0);
	if (reason)
		snprintf(reason, rsz, "%s", v.reason);
	return v.found;
}

static void nisba_across_documents(void **state)
{
	dft_store *st;
	dft_entities_stats stats;
	int64_t batch, adnani, rahman, rahim, hassani;
	int resumed;
	char why[512];
	(void)state;
	assert_int_equal(test_case_init(case_dir), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_batch_open(st, "one", &batch, &resumed), 0);
	/* one Adnani in the case: the bare nisba joins him, whatever the
	 * model read it as, in Latin and Arabic script */
	add_named_doc(st, batch, "a1.txt", DFT_ENT_PERSON, "Abu Mohammad al-Adnani");
	add_named_doc(st, batch, "a2.txt", DFT_ENT_MISC, "al-Adnani");
	add_named_doc(st, batch, "a3.txt", DFT_ENT_ORG, "Al-Adnani");
	add_named_doc(st, batch, "a4.txt", DFT_ENT_MISC, "العدناني");
	/* two Qadulis: the bare nisba is ambiguous and stays apart; the ʿAbd
	 * names never join each other, nor does a bare "al-Rahim" join the
	 * compound Abd al-Rahim */
	add_named_doc(st, batch, "q1.txt", DFT_ENT_PERSON, "Abd al-Rahman al-Qaduli");
	add_named_doc(st, batch, "q2.txt", DFT_ENT_PERSON, "Abd al-Rahim al-Qaduli");
	add_named_doc(st, batch, "q3.txt", DFT_ENT_MISC, "al-Qaduli");
	add_named_doc(st, batch, "q4.txt", DFT_ENT_MISC, "al-Rahim");
	/* only the consonant key agrees: al-Hussaini is not al-Hassani */
	add_named_doc(st, batch, "h1.txt", DFT_ENT_PERSON, "Ali al-Hassani");
	add_named_doc(st, batch, "h2.txt", DFT_ENT_MISC, "al-Hussaini");
	/* a word without an article is not read as a nisba here */
	add_named_doc(st, batch, "h3.txt", DFT_ENT_ORG, "Hassani");
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_batch_close(st, batch), 0);

	memset(&stats, 0, sizeof(stats));
	assert_int_equal(dft_entities_resolve(st, &stats), 0);

	/* the merge: one person entity, each variant with its reason */
	adnani = entity_named(st, DFT_ENT_PERSON, "Abu Mohammad al-Adnani");
	assert_true(adnani > 0);
	assert_true(has_variant(st, adnani, "al-Adnani", why, sizeof why));
	assert_non_null(strstr(why, "the only person whose name ends with it"));
	assert_non_null(strstr(why, "read as misc"));
	assert_true(has_variant(st, adnani, "Al-Adnani", why, sizeof why));
	assert_non_null(strstr(why, "read as organization"));
	assert_true(has_variant(st, adnani, "العدناني", NULL, 0));
	assert_int_equal(entity_named(st, DFT_ENT_MISC, "al-Adnani"), 0);
	assert_int_equal(entity_named(st, DFT_ENT_ORG, "Al-Adnani"), 0);

	/* the non-merges */
	rahman = entity_named(st, DFT_ENT_PERSON, "Abd al-Rahman al-Qaduli");
	rahim = entity_named(st, DFT_ENT_PERSON, "Abd al-Rahim al-Qaduli");
	assert_true(rahman > 0 && rahim > 0 && rahman != rahim);
	assert_false(has_variant(st, rahman, "al-Qaduli", NULL, 0));
	assert_false(has_variant(st, rahim, "al-Qaduli", NULL, 0));
	assert_true(entity_named(st, DFT_ENT_MISC, "al-Qaduli") > 0);
	assert_false(has_variant(st, rahim, "al-Rahim", NULL, 0));
	assert_true(entity_named(st, DFT_ENT_MISC, "al-Rahim") > 0);
	hassani = entity_named(st, DFT_ENT_PERSON, "Ali al-Hassani");
	assert_true(hassani > 0);
	assert_false(has_variant(st, hassani, "al-Hussaini", NULL, 0));
	assert_false(has_variant(st, hassani, "Hassani", NULL, 0));
	assert_true(entity_named(st, DFT_ENT_MISC, "al-Hussaini") > 0);

	/* a second Adnani makes the bare nisba ambiguous: it leaves him */
	assert_int_equal(dft_store_batch_open(st, "two", &batch, &resumed), 0);
	add_named_doc(st, batch, "a5.txt", DFT_ENT_PERSON, "Taha Subhi al-Adnani");
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_batch_close(st, batch), 0);
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(dft_entities_resolve(st, &stats), 0);
	adnani = entity_named(st, DFT_ENT_PERSON, "Abu Mohammad al-Adnani");
	assert_true(adnani > 0);
	assert_false(has_variant(st, adnani, "al-Adnani", NULL, 0));
	assert_true(entity_named(st, DFT_ENT_MISC, "al-Adnani") > 0);
	dft_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nisba_across_documents, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
