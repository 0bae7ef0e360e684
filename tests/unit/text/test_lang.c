/*
 * test_lang.c - language detection (dft_detect_language) measured on real
 * text: Arabic news (SaudiNewsNet, ANERcorp), English abstracts and news
 * (Cranfield, CISI, CoNLL-2003) from $DAFTAR_SHARED/corpora, cut into
 * paragraphs of 200+ characters, and small samples written here for
 * French, German, Turkish, Russian, Persian (also as typed on an Arabic
 * keyboard, with ي ك) and Urdu. Accuracy per language is printed and
 * asserted; so are mixed documents, short texts, the time per 64 KB, and
 * hostile bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daftar/extract.h"
#include "../helpers.h"

#define PARA_MIN 200 /* characters in a paragraph */

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;
	if (!test_corpus(path, sizeof(path), rel) || !(f = fopen(path, "rb"))) {
		test_note_no_corpus(rel); /* the caller skips */
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static size_t u8chars(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

typedef struct tally {
	const char *want;
	size_t n, ok, empty, wrong;
	char wrong_as[64];
	double secs;
} tally;

static void judge(tally *t, const char *s, size_t n)
{
	char out[8];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(dft_detect_language(s, n, out), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t->secs += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	t->n++;
	if (strcmp(out, t->want) == 0) {
		t->ok++;
	} else if (!out[0]) {
		t->empty++;
	} else {
		size_t l = strlen(t->wrong_as);
		t->wrong++;
		if (l + strlen(out) + 2 < sizeof(t->wrong_as) && !strstr(t->wrong_as, out))
			snprintf(t->wrong_as + l, sizeof(t->wrong_as) - l, "%s%s", l ? "," : "", out);
	}
}

/* Cut text into paragraphs of at least PARA_MIN characters at spaces (a
 * shorter tail is dropped) and judge each. */
static void judge_paragraphs(tally *t, const char *s, size_t n)
{
	size_t start = 0, i;
	while (start < n) {
		/* skip leading space */
		while (start < n && (s[start] == ' ' || s[start] == '\n' || s[start] == '\r'))
			start++;
		for (i = start; i < n; i++) {
			if ((s[i] == ' ' || s[i] == '\n') && u8chars(s + start, i - start) >= PARA_MIN)
				break;
		}
		if (u8chars(s + start, i - start) < PARA_MIN)
			return;
		judge(t, s + start, i - start);
		start = i;
	}
}

static double report(const tally *t, const char *what)
{
	double acc = t->n ? (double)t->ok / (double)t->n : 0;
	printf("  %-34s %-3s n=%5zu  correct %6.2f%%  unsure %5.2f%%  wrong %5.2f%% %s%s%s  "
	       "%.3f ms/paragraph\n",
	       what, t->want, t->n, 100 * acc, t->n ? 100.0 * (double)t->empty / (double)t->n : 0,
	       t->n ? 100.0 * (double)t->wrong / (double)t->n : 0, t->wrong ? "(as " : "",
	       t->wrong_as, t->wrong ? ")" : "", t->n ? 1000 * t->secs / (double)t->n : 0);
	return acc;
}

static void expect(const char *text, const char *want)
{
	char out[8];
	assert_int_equal(dft_detect_language(text, strlen(text), out), 0);
	if (strcmp(out, want) != 0)
		fail_msg("expected \"%s\", got \"%s\" for: %.80s", want, out, text);
}

/* ---- corpora ------------------------------------------------------------- */

/* Unescape the JSON string starting after the opening quote at p into out;
 * returns the position after the closing quote. */
static const char *json_string(const char *p, dft_buf *out)
{
	while (*p && *p != '"') {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': case 'r': case 't': dft_buf_addc(out, ' '); break;
			case 'u': {
				unsigned cp = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
				char u[4];
				size_t k;
				if (cp < 0x80) {
					u[0] = (char)cp;
					k = 1;
				} else if (cp < 0x800) {
					u[0] = (char)(0xC0 | (cp >> 6));
					u[1] = (char)(0x80 | (cp & 0x3F));
					k = 2;
				} else {
					u[0] = (char)(0xE0 | (cp >> 12));
					u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
					u[2] = (char)(0x80 | (cp & 0x3F));
					k = 3;
				}
				dft_buf_add(out, u, k);
				p += 4;
				break;
			}
			default: dft_buf_addc(out, *p); break;
			}
			p++;
		} else {
			dft_buf_addc(out, *p++);
		}
	}
	return *p ? p + 1 : p;
}

static void test_saudinewsnet(void **state)
{
	size_t len, docs = 0;
	char *json = slurp("saudinewsnet-ar/2015-07-23.json", &len);
	const char *p;
	tally t = {.want = "ar"};
	dft_buf b;
	(void)state;
	if (!json)
		skip();
	dft_buf_init(&b, 0);
	for (p = json; (p = strstr(p, "\"content\": \"")) != NULL && docs < 1500; docs++) {
		dft_buf_reset(&b);
		p = json_string(p + 12, &b);
		judge_paragraphs(&t, b.ptr ? b.ptr : "", b.len);
	}
	report(&t, "SaudiNewsNet (1500 articles)");
	assert_true(t.n > 3000);
	assert_true(t.ok >= t.n * 99 / 100);
	assert_true(t.wrong <= t.n / 500);
	dft_buf_dispose(&b);
	free(json);
}

/* Join the first field of every line of a `word TAG` file. */
static void words_of(dft_buf *out, const char *s, const char *skip_word)
{
	while (*s) {
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
			e++;
		if (e > s && !(skip_word && strncmp(s, skip_word, strlen(skip_word)) == 0)) {
			dft_buf_add(out, s, (size_t)(e - s));
			dft_buf_addc(out, ' ');
		}
		s = strchr(e, '\n');
		if (!s)
			break;
		s++;
	}
}

static void test_anercorp(void **state)
{
	size_t len;
	char *data = slurp("anercorp-ar/ANERCorp.txt", &len);
	tally t = {.want = "ar"};
	dft_buf b;
	(void)state;
	if (!data)
		skip();
	dft_buf_init(&b, 0);
	words_of(&b, data, NULL);
	judge_paragraphs(&t, b.ptr, b.len);
	report(&t, "ANERcorp (whole)");
	assert_true(t.n > 3000);
	assert_true(t.ok >= t.n * 99 / 100);
	dft_buf_dispose(&b);
	free(data);
}

/* Running text, not a table of results or a list of names: some words
 * in lower case, few digits. */
static int prose(const char *s, size_t n)
{
	size_t i, words = 0, lower = 0, digits = 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		if ((i == 0 || s[i - 1] == ' ') && s[i] != ' ') {
			words++;
			lower += s[i] >= 'a' && s[i] <= 'z';
		}
	}
	return digits * 20 < n && lower * 10 >= words * 3;
}

static void test_conll(void **state)
{
	size_t len, start = 0, i;
	char *data = slurp("conll2003-en/train.txt", &len);
	tally all = {.want = "en"}, running = {.want = "en"};
	dft_buf b;
	(void)state;
	if (!data)
		skip();
	dft_buf_init(&b, 0);
	words_of(&b, data, "-DOCSTART-");
	/* the same cut as judge_paragraphs, sorted into prose and the rest */
	while (start < b.len) {
		while (start < b.len && b.ptr[start] == ' ')
			start++;
		for (i = start; i < b.len; i++)
			if (b.ptr[i] == ' ' && u8chars(b.ptr + start, i - start) >= PARA_MIN)
				break;
		if (u8chars(b.ptr + start, i - start) < PARA_MIN)
			break;
		judge(&all, b.ptr + start, i - start);
		if (prose(b.ptr + start, i - start))
			judge(&running, b.ptr + start, i - start);
		start = i;
	}
	report(&all, "CoNLL-2003 train, all (tables too)");
	report(&running, "CoNLL-2003 train, running text");
	assert_true(running.n > 2000);
	assert_true(running.ok >= running.n * 98 / 100);
	/* tables of sports results and lists of names: often unsure, rarely wrong */
	assert_true(all.ok >= all.n * 75 / 100);
	assert_true(all.wrong <= all.n * 3 / 100);
	dft_buf_dispose(&b);
	free(data);
}

/* The .W sections of a SMART-format collection, one document each. */
static void smart(tally *t, const char *s)
{
	dft_buf b;
	dft_buf_init(&b, 0);
	while ((s = strstr(s, "\n.W")) != NULL) {
		const char *e = strstr(s + 3, "\n.");
		if (!e)
			e = s + strlen(s);
		dft_buf_reset(&b);
		dft_buf_add(&b, s + 3, (size_t)(e - s - 3));
		judge_paragraphs(t, dft_buf_cstr(&b), b.len);
		s = e;
	}
	dft_buf_dispose(&b);
}

static void test_cranfield_cisi(void **state)
{
	size_t len;
	char *cran = slurp("cranfield/cran.all.1400", &len);
	char *cisi = slurp("cisi/CISI.ALL", &len);
	tally t1 = {.want = "en"}, t2 = {.want = "en"};
	(void)state;
	if (!cran || !cisi)
		skip();
	smart(&t1, cran);
	smart(&t2, cisi);
	report(&t1, "Cranfield abstracts (lower case)");
	report(&t2, "CISI abstracts");
	assert_true(t1.n > 1000 && t2.n > 1000);
	assert_true(t1.ok >= t1.n * 98 / 100);
	assert_true(t2.ok >= t2.n * 98 / 100);
	free(cran);
	free(cisi);
}

/* ---- samples written for this test --------------------------------------- */

static const char fr_text[] =
	"Le conseil municipal s'est réuni jeudi soir pour examiner le budget de l'année "
	"prochaine. Après plusieurs heures de débat, les élus ont adopté une série de mesures "
	"destinées à réduire les dépenses de fonctionnement sans toucher aux services "
	"essentiels. Le maire a rappelé que la ville devait encore rembourser une partie des "
	"emprunts contractés lors de la construction de la nouvelle médiathèque. "
	"Les associations de quartier, venues nombreuses, ont exprimé leur inquiétude face à la "
	"fermeture possible de deux centres sociaux. Une pétition signée par plus de trois mille "
	"habitants a été remise au secrétaire général de la mairie à la fin de la séance. "
	"Selon les documents consultés par notre rédaction, la société chargée des travaux aurait "
	"facturé à deux reprises certaines prestations. Le contrat, signé en 2019, prévoyait "
	"pourtant des pénalités en cas de retard, qui n'ont jamais été appliquées. Interrogé sur "
	"ce point, l'adjoint aux finances n'a pas souhaité répondre à nos questions. "
	"Les enquêteurs ont saisi des ordinateurs et des carnets de comptes dans les bureaux de "
	"l'entreprise. D'après une source proche du dossier, les sommes en jeu dépasseraient "
	"plusieurs millions d'euros, et d'autres collectivités de la région pourraient être "
	"concernées par des pratiques similaires au cours des dix dernières années. "
	"Dans une lettre adressée au préfet, l'opposition demande la création d'une commission "
	"d'enquête indépendante et la publication de tous les marchés publics attribués depuis "
	"le début du mandat. La décision devrait être connue avant la fin du mois de septembre.";

static const char de_text[] =
	"Der Stadtrat hat am Donnerstagabend über den Haushalt für das kommende Jahr beraten. "
	"Nach einer langen Debatte beschlossen die Abgeordneten eine Reihe von Maßnahmen, mit "
	"denen die laufenden Ausgaben gesenkt werden sollen, ohne die wichtigsten Leistungen für "
	"die Bürger zu kürzen. Der Bürgermeister erinnerte daran, dass die Stadt noch immer "
	"Kredite für den Bau der neuen Bibliothek zurückzahlen muss. "
	"Vertreter mehrerer Vereine äußerten ihre Sorge über die mögliche Schließung von zwei "
	"Jugendzentren. Eine Unterschriftensammlung mit mehr als dreitausend Namen wurde am Ende "
	"der Sitzung dem Leiter der Verwaltung übergeben. "
	"Aus Unterlagen, die unserer Redaktion vorliegen, geht hervor, dass die beauftragte Firma "
	"einige Leistungen offenbar doppelt abgerechnet hat. Der im Jahr 2019 unterzeichnete "
	"Vertrag sah bei Verzögerungen eigentlich Vertragsstrafen vor, die jedoch nie verhängt "
	"wurden. Auf Nachfrage wollte sich der zuständige Dezernent nicht dazu äußern. "
	"Die Ermittler beschlagnahmten Computer und Geschäftsbücher in den Räumen des "
	"Unternehmens. Nach Angaben aus Ermittlerkreisen geht es um mehrere Millionen Euro, und "
	"auch andere Gemeinden in der Region könnten in den vergangenen zehn Jahren von ähnlichen "
	"Praktiken betroffen gewesen sein. "
	"In einem Brief an den Regierungspräsidenten verlangt die Opposition einen unabhängigen "
	"Untersuchungsausschuss sowie die Veröffentlichung aller öffentlichen Aufträge seit "
	"Beginn der Wahlperiode. Eine Entscheidung wird bis Ende September erwartet.";

static const char tr_text[] =
	"Belediye meclisi perşembe akşamı gelecek yılın bütçesini görüşmek üzere toplandı. "
	"Saatler süren tartışmanın ardından meclis üyeleri, temel hizmetlere dokunmadan işletme "
	"giderlerini azaltmayı amaçlayan bir dizi önlemi kabul etti. Belediye başkanı, kentin yeni "
	"kütüphanenin inşaatı için aldığı kredilerin bir kısmını hâlâ geri ödemesi gerektiğini "
	"hatırlattı. "
	"Toplantıya kalabalık bir grupla katılan mahalle dernekleri, iki gençlik merkezinin "
	"kapatılma ihtimalinden duydukları endişeyi dile getirdi. Üç binden fazla kişinin "
	"imzaladığı bir dilekçe oturumun sonunda belediye genel sekreterine teslim edildi. "
	"Gazetemizin incelediği belgelere göre, işleri üstlenen şirket bazı hizmetleri iki kez "
	"faturalandırmış olabilir. 2019 yılında imzalanan sözleşme, gecikme durumunda ceza "
	"öngörüyordu, ancak bu cezalar hiçbir zaman uygulanmadı. Konuyla ilgili sorularımızı "
	"yanıtlamak istemeyen mali işlerden sorumlu başkan yardımcısı açıklama yapmadı. "
	"Soruşturmacılar şirketin bürolarında bilgisayarlara ve muhasebe defterlerine el koydu. "
	"Dosyaya yakın bir kaynağa göre söz konusu tutarlar birkaç milyon lirayı aşıyor ve "
	"bölgedeki başka belediyeler de son on yılda benzer uygulamalardan etkilenmiş olabilir. "
	"Muhalefet, valiye gönderdiği mektupta bağımsız bir soruşturma komisyonu kurulmasını ve "
	"görev süresinin başından bu yana verilen tüm ihalelerin yayımlanmasını talep etti. Kararın "
	"eylül ayının sonundan önce açıklanması bekleniyor.";

static const char ru_text[] =
	"Городской совет в четверг вечером собрался, чтобы обсудить бюджет на следующий год. "
	"После многочасовых споров депутаты приняли ряд мер, направленных на сокращение текущих "
	"расходов без урезания основных услуг для жителей. Мэр напомнил, что город всё ещё должен "
	"выплачивать кредиты, взятые на строительство новой библиотеки. "
	"Представители районных объединений, пришедшие на заседание, выразили обеспокоенность "
	"возможным закрытием двух молодёжных центров. Петиция, подписанная более чем тремя "
	"тысячами жителей, была передана секретарю мэрии в конце заседания. "
	"Согласно документам, с которыми ознакомилась наша редакция, подрядчик, по всей "
	"видимости, дважды выставил счета за некоторые работы. Договор, подписанный в 2019 году, "
	"предусматривал штрафы за задержки, однако они так и не были применены. Заместитель мэра "
	"по финансам отказался отвечать на наши вопросы. "
	"Следователи изъяли компьютеры и бухгалтерские книги в офисе компании. По словам "
	"источника, знакомого с делом, речь идёт о нескольких миллионах рублей, а подобные схемы "
	"за последние десять лет могли затронуть и другие муниципалитеты региона. "
	"В письме губернатору оппозиция потребовала создать независимую следственную комиссию и "
	"опубликовать все государственные контракты, заключённые с начала срока полномочий. "
	"Решение ожидается до конца сентября.";

static const char fa_text[] =
	"شورای شهر پنجشنبه شب برای بررسی بودجه سال آینده تشکیل جلسه داد. پس از چند ساعت بحث، "
	"اعضای شورا مجموعه‌ای از اقدامات را تصویب کردند که هدف آن کاهش هزینه‌های جاری بدون "
	"کم کردن خدمات اصلی شهروندان است. شهردار یادآوری کرد که شهر هنوز باید بخشی از وام‌هایی "
	"را که برای ساختن کتابخانه جدید گرفته بود بازپرداخت کند. "
	"نمایندگان انجمن‌های محلی که با جمعیت زیادی به جلسه آمده بودند، از احتمال تعطیلی دو "
	"مرکز جوانان ابراز نگرانی کردند. طوماری با امضای بیش از سه هزار نفر در پایان جلسه به "
	"دبیر شهرداری تحویل داده شد. "
	"بر اساس اسنادی که در اختیار خبرنگار ما قرار گرفته است، شرکت پیمانکار ظاهراً برای برخی "
	"از کارها دو بار صورتحساب صادر کرده است. در قراردادی که در سال ۱۳۹۸ امضا شد، برای "
	"تأخیر جریمه پیش‌بینی شده بود، اما این جریمه‌ها هرگز اعمال نشد. معاون مالی شهردار حاضر "
	"نشد به پرسش‌های ما پاسخ دهد. "
	"بازرسان رایانه‌ها و دفترهای حسابداری را در دفتر شرکت ضبط کردند. به گفته یک منبع آگاه، "
	"مبلغ مورد نظر از چند میلیارد تومان بیشتر است و ممکن است شهرداری‌های دیگر استان نیز در "
	"ده سال گذشته با روش‌های مشابهی روبرو شده باشند. "
	"گروه‌های مخالف در نامه‌ای به استاندار خواستار تشکیل یک کمیسیون تحقیق مستقل و انتشار همه "
	"قراردادهای دولتی شدند که از آغاز این دوره بسته شده است. انتظار می‌رود تصمیم نهایی پیش از "
	"پایان شهریور اعلام شود.";

static const char ur_text[] =
	"شہر کی کونسل نے جمعرات کی شام اگلے سال کے بجٹ پر غور کرنے کے لیے اجلاس کیا۔ کئی گھنٹوں "
	"کی بحث کے بعد ارکان نے ایسے اقدامات کی منظوری دی جن کا مقصد بنیادی خدمات کو متاثر کیے "
	"بغیر روزمرہ اخراجات کم کرنا ہے۔ میئر نے یاد دلایا کہ شہر کو ابھی تک نئی لائبریری کی تعمیر "
	"کے لیے لیے گئے قرضوں کا کچھ حصہ واپس کرنا ہے۔ "
	"اجلاس میں بڑی تعداد میں آنے والی مقامی تنظیموں کے نمائندوں نے نوجوانوں کے دو مراکز کی "
	"ممکنہ بندش پر تشویش کا اظہار کیا۔ تین ہزار سے زیادہ شہریوں کے دستخطوں والی ایک درخواست "
	"اجلاس کے آخر میں بلدیہ کے سیکرٹری کے حوالے کی گئی۔ "
	"ہمارے پاس موجود دستاویزات کے مطابق ٹھیکیدار کمپنی نے بظاہر کچھ کاموں کے بل دو بار "
	"بنائے۔ دو ہزار انیس میں طے پانے والے معاہدے میں تاخیر پر جرمانے رکھے گئے تھے، لیکن یہ "
	"جرمانے کبھی عائد نہیں کیے گئے۔ مالیات کے ذمہ دار نائب میئر نے ہمارے سوالوں کا جواب "
	"دینے سے انکار کر دیا۔";

/* Persian as typed on an Arabic keyboard: ی → ي, ک → ك. */
static char *arabic_keyboard(const char *s)
{
	size_t n = strlen(s), i;
	char *o = malloc(n + 1);
	assert_non_null(o);
	memcpy(o, s, n + 1);
	for (i = 0; i + 1 < n; i++) {
		unsigned char a = (unsigned char)o[i], b = (unsigned char)o[i + 1];
		if (a == 0xDB && b == 0x8C) { /* U+06CC -> U+064A */
			o[i] = (char)0xD9;
			o[i + 1] = (char)0x8A;
		} else if (a == 0xDA && b == 0xA9) { /* U+06A9 -> U+0643 */
			o[i] = (char)0xD9;
			o[i + 1] = (char)0x83;
		}
	}
	return o;
}

static void sample(const char *want, const char *what, const char *text, size_t min_n)
{
	tally t = {.want = want};
	judge_paragraphs(&t, text, strlen(text));
	report(&t, what);
	assert_true(t.n >= min_n);
	assert_int_equal(t.ok, t.n);
	/* and the whole text at once */
	expect(text, want);
}

static void test_samples(void **state)
{
	char *fa_ar;
	(void)state;
	sample("fr", "French sample", fr_text, 5);
	sample("de", "German sample", de_text, 5);
	sample("tr", "Turkish sample", tr_text, 5);
	sample("ru", "Russian sample", ru_text, 5);
	sample("fa", "Persian sample", fa_text, 5);
	fa_ar = arabic_keyboard(fa_text);
	sample("fa", "Persian sample, Arabic ي ك", fa_ar, 5);
	free(fa_ar);
	sample("ur", "Urdu sample", ur_text, 3);
}

/* ---- mixed, short, other scripts ------------------------------------------ */

static void test_mixed_and_short(void **state)
{
	dft_buf b;
	char out[8];
	size_t len;
	char *ar = slurp("anercorp-ar/ANERCorp.txt", &len);
	(void)state;
	/* English with a little Arabic in it, and the reverse */
	dft_buf_init(&b, 0);
	dft_buf_adds(&b, de_text);
	dft_buf_adds(&b, " Zitat: «قال المتحدث إن الحكومة ستعلن القرار غدا». ");
	expect(dft_buf_cstr(&b), "de");
	dft_buf_reset(&b);
	dft_buf_adds(&b, fa_text);
	dft_buf_adds(&b, " (Reuters, The Guardian, Le Monde, 2019) ");
	expect(dft_buf_cstr(&b), "fa");
	/* an Arabic letter quoting a French paragraph: Arabic has more letters */
	dft_buf_reset(&b);
	dft_buf_adds(&b, "Le maire a rappelé que la ville devait encore rembourser une partie des emprunts. ");
	dft_buf_adds(&b, "قال رئيس البلدية إن المدينة لا تزال مطالبة بسداد جزء من القروض التي حصلت عليها "
			 "لبناء المكتبة الجديدة، وأضاف أن المجلس سيعيد النظر في الميزانية خلال الأسابيع "
			 "المقبلة بعد مراجعة العقود الموقعة مع الشركة المنفذة للمشروع.");
	expect(dft_buf_cstr(&b), "ar");
	dft_buf_dispose(&b);

	/* too short, or no letters: unsure */
	expect("", "");
	expect("OK", "");
	expect("12345 67890 -- 2019/07/23 !!!", "");
	expect("\xff\xfe\x00garbage\x80\x80", "");
	/* whole sentences are enough */
	expect("The minister said the contract had been signed without a tender.", "en");
	expect("Le ministre a déclaré que le contrat avait été signé sans appel d'offres.", "fr");
	expect("قال الوزير إن العقد وقع من دون مناقصة عامة.", "ar");
	expect("وزیر گفت که این قرارداد بدون مناقصه امضا شده است.", "fa");
	/* scripts of one language */
	expect("Ο υπουργός δήλωσε ότι η σύμβαση υπογράφηκε χωρίς διαγωνισμό.", "el");
	expect("השר אמר כי החוזה נחתם ללא מכרז.", "he");
	expect("장관은 계약이 입찰 없이 체결되었다고 말했다.", "ko");
	expect("大臣は、契約は入札なしで締結されたと述べた。", "ja");
	expect("部长说，该合同是在没有招标的情况下签订的。", "zh");

	/* short pieces of real Arabic: how often is a 50-character snippet
	 * named at all, and is it ever wrong? */
	if (ar) {
		tally t = {.want = "ar"};
		dft_buf w;
		size_t i, start = 0;
		dft_buf_init(&w, 0);
		words_of(&w, ar, NULL);
		for (i = 0; i < w.len && t.n < 2000; i++) {
			if (w.ptr[i] == ' ' && u8chars(w.ptr + start, i - start) >= 50) {
				judge(&t, w.ptr + start, i - start);
				start = i + 1;
			}
		}
		report(&t, "ANERcorp, 50-character snippets");
		assert_true(t.wrong <= t.n / 100);
		dft_buf_dispose(&w);
		free(ar);
	}
	(void)out;
}

/* Time per 64 KB (what the worker passes) of Arabic and English. */
static void test_speed(void **state)
{
	size_t len, alen, reps = 20, i;
	char *en = slurp("cisi/CISI.ALL", &len);
	char *ar = slurp("saudinewsnet-ar/2015-07-23.json", &alen);
	char out[8];
	struct timespec a, b;
	double ms;
	(void)state;
	if (!en || !ar)
		skip();
	assert_true(len > 65536 && alen > 200000);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < reps; i++)
		assert_int_equal(dft_detect_language(en + i * 1000, 65536, out), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / (double)reps;
	printf("  64 KB of English: %.2f ms (%s)\n", ms, out);
	assert_string_equal(out, "en");
	/* the JSON file from an article boundary on: Arabic with URLs, keys */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < reps; i++)
		assert_int_equal(dft_detect_language(ar + 100000 + i * 1000, 65536, out), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / (double)reps;
	printf("  64 KB of Arabic (JSON): %.2f ms (%s)\n", ms, out);
	assert_string_equal(out, "ar");
	assert_true(ms < 50);
	free(en);
	free(ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_mixed_and_short),
		cmocka_unit_test(test_saudinewsnet),
		cmocka_unit_test(test_anercorp),
		cmocka_unit_test(test_conll),
		cmocka_unit_test(test_cranfield_cisi),
		cmocka_unit_test(test_speed),
	};
	if (dft_lang_init() < 0)
		fprintf(stderr, "dft_lang_init: %s\n", dft_error_msg());
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
