/*
 * key_cmd.c - `daftar key add|remove|list`: the passphrases (key slots) of
 * an encrypted case (crypt.h). Each first unlocks the case with a
 * passphrase it knows; add then reads the new one. Only CASE/keys
 * changes: the case is never re-encrypted.
 */
#include "cli.h"
#include "daftar/crypt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_slots(struct args *a, const char *case_dir, const char *done, int slot)
{
	dft_crypt_slot slots[DFT_CRYPT_MAX_SLOTS];
	dft_crypt *k = NULL;
	size_t n = 0, i;
	int rc;
	if ((rc = dft_crypt_unlock(case_dir, &k)) < 0)
		return fail(rc);
	dft_crypt_slots(k, slots, &n);
	dft_crypt_free(k);
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		if (done) {
			dft_json_key(&j, done);
			dft_json_int(&j, slot);
		}
		dft_json_key(&j, "slots");
		dft_json_arr_open(&j);
		for (i = 0; i < n; i++) {
			dft_json_obj_open(&j);
			dft_json_key(&j, "slot");
			dft_json_int(&j, slots[i].id);
			dft_json_key(&j, "created");
			dft_json_str(&j, slots[i].created);
			dft_json_key(&j, "kdf");
			dft_json_str(&j, "argon2id");
			dft_json_key(&j, "opslimit");
			dft_json_int(&j, (int64_t)slots[i].opslimit);
			dft_json_key(&j, "memlimit");
			dft_json_int(&j, (int64_t)slots[i].memlimit);
			dft_json_key(&j, "unlocked_with");
			dft_json_bool(&j, slots[i].unlocked_by);
			dft_json_obj_close(&j);
		}
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	if (done)
		printf("%s slot %d\n", done, slot);
	for (i = 0; i < n; i++)
		printf("slot %d  created %s  argon2id ops %llu mem %zu MiB%s\n", slots[i].id, slots[i].created,
		       slots[i].opslimit, slots[i].memlimit >> 20, slots[i].unlocked_by ? "  (this passphrase)" : "");
	return 0;
}

/* What key add or remove changed: {"added": 2} or "added slot 2 to CASE". */
static int print_change(struct args *a, const char *key, long slot, const char *preposition)
{
	int rc;
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, key);
		dft_json_int(&j, slot);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	printf("%s slot %ld %s %s\n", key, slot, preposition, a->pos[1]);
	return 0;
}

int cmd_key(struct args *a)
{
	const char *sub = a->npos > 0 ? a->pos[0] : NULL;
	int rc, slot = 0;
	if (!sub || a->npos < 2)
		return cli_usage("key");
	if (!dft_crypt_case_encrypted(a->pos[1])) {
		dft_error_set(DFT_ENOTFOUND, "%s is not an encrypted case (it has no keys file; 'daftar init --encrypt' "
					     "makes one)", a->pos[1]);
		return fail(DFT_ENOTFOUND);
	}
	if (!strcmp(sub, "list")) {
		if (a->npos != 2)
			return cli_usage("key");
		return print_slots(a, a->pos[1], NULL, 0);
	}
	if (!strcmp(sub, "add")) {
		if (a->npos != 2)
			return cli_usage("key");
		if ((rc = dft_crypt_slot_add(a->pos[1], &slot)) < 0)
			return fail(rc);
		return print_change(a, "added", slot, "to");
	}
	if (!strcmp(sub, "remove")) {
		char *end;
		long v;
		if (a->npos != 3)
			return cli_usage("key");
		v = strtol(a->pos[2], &end, 10);
		if (*end || end == a->pos[2] || v < 1 || v > 1000000)
			return usage_error("key remove takes a slot number ('daftar key list' shows them), not '%s'",
					   a->pos[2]);
		if ((rc = dft_crypt_slot_remove(a->pos[1], (int)v)) < 0)
			return fail(rc);
		return print_change(a, "removed", v, "from");
	}
	return usage_error("key takes add, remove or list, not '%s'", sub);
}
