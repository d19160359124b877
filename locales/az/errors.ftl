### API xətalarının mesajları, hər xəta kodu üçün bir mesaj. Hər biri nəyi düzəltməyi deyir.

error-body-timeout = Sorğunun gövdəsi gəlməyi dayandırdı, ona görə yükləmə kəsildi; faylı yenidən göndərin.
error-busy = Server eyni anda qəbul edə bildiyi qədər yükləmə qəbul edir; bir neçə saniyədən sonra yenidən cəhd edin.
error-duplicate-language = Tərcümə vahidinin iki variantı eyni dildədir; onlardan yalnız birini saxlayın.
error-empty-text = Mətn boşdur; saxlanılacaq və ya axtarılacaq cümləni göndərin.
error-id-mismatch = Sorğunun gövdəsindəki identifikator URL-dəki identifikatorla eyni deyil; onu gövdədən silin və ya hər ikisini eyni edin.
error-internal = Serverdə xəta baş verdi; yenidən cəhd edin, xəta təkrarlansa, bu barədə xəbər verin.
error-invalid-date = Tarix RFC 3339 formatında deyil; onu belə yazın: 2026-05-01T09:30:00Z.
error-invalid-id = Vahidin identifikatoru 1–256 bayt uzunluğunda olmalı və idarəetmə simvolları olmamalıdır.
error-invalid-json = Sorğunun gövdəsi düzgün JSON deyil; dırnaqları, vergülləri və mötərizələri yoxlayın.
error-invalid-language = “{ $tag }” dil teqi yanlışdır; BCP 47 teqindən istifadə edin, məsələn, en, hy-AM və ya az-Latn.
error-invalid-limit = limit 1 ilə { $max } arasında olmalıdır.
error-invalid-min-score = min_score faizdir: 0 ilə 101 arasında ədəd göndərin.
error-invalid-parameter = { $parameter ->
        [none] Sorğu parametrlərindən biri yanlışdır
       *[other] { $parameter } sorğu parametri yanlışdır
    }; URL-dəki parametrlərin adlarını və dəyərlərini yoxlayın.
error-invalid-path = URL yolu yanlışdır; ünvanı və ondakı identifikatoru yoxlayın.
error-invalid-text = Mətndə heç bir mübadilə formatının daşıya bilmədiyi idarəetmə simvolu var; onu silin və mətni yenidən göndərin.
error-invalid-request = { $field ->
        [none] JSON gözlənilən quruluşda deyil
       *[other] JSON-un { $field } sahəsi gözlənilən quruluşda deyil
    }; sahələrin adlarını və tiplərini sənədlərlə tutuşdurun.
error-malformed-file = Faylda xəta var (sətir { NUMBER($line, useGrouping: "false") }); heç nə idxal edilmədi. Faylı düzəldin və yenidən göndərin.
error-malformed-tmx = TMX faylında xəta var (sətir { NUMBER($line, useGrouping: "false") }); heç nə idxal edilmədi. Faylı düzəldin və yenidən göndərin.
error-malformed-tsv = TSV faylında xəta var (sətir { NUMBER($line, useGrouping: "false") }); heç nə idxal edilmədi. Faylı düzəldin və yenidən göndərin.
error-method-not-allowed = { $path } ünvanı üçün { $method } metoduna icazə verilmir; hər ünvanın metodları sənədlərdə göstərilib.
error-no-units = Sorğuda heç bir tərcümə vahidi yoxdur; ən azı birini göndərin.
error-no-variants = Tərcümə vahidinin ən azı bir variantı olmalıdır: hər hansı dildə mətn.
error-not-committed = Dəyişiklik təsdiqlənmədi, buna görə heç nə dəyişmədi; yenidən cəhd edin.
error-payload-too-large = Sorğunun gövdəsi { $limit } bayt həddini aşır; bir dəfəyə daha az göndərin və ya inzibatçıdan həddi artırmağı xahiş edin.
error-route-not-found = { $path } ünvanında heç nə yoxdur; sənədlərə baxın.
error-storage-error = Tərcümə yaddaşını oxumaq və ya yazmaq alınmadı, buna görə heç nə dəyişmədi; yenidən cəhd edin.
error-task-not-cancelable = { $id } tapşırığını ləğv etmək olmaz: o artıq bitib və ya artıq başlamış optimallaşdırmadır.
error-task-not-found = “{ $id }” identifikatorlu tapşırıq yoxdur; GET /v1/tasks sizinkiləri göstərir.
error-text-too-long = Mətn çox uzundur: ən çoxu { $max } simvol ola bilər. Hər dəfə bir cümlə və ya abzas göndərin.
error-too-many-segments = Paketdə həddən artıq seqment var; bir sorğuda ən çoxu 100 seqment göndərin, qalanlarını isə növbəti sorğularla.
error-too-many-units = Bir sorğuda həddən artıq tərcümə vahidi var; daha az göndərin və ya bütöv fayllar üçün /v1/import istifadə edin.
error-unauthorized = API açarı yoxdur və ya yanlışdır; onu “Authorization: Bearer <key>” başlığı ilə göndərin.
error-unavailable = Xidmət hazırda bu sorğunu yerinə yetirə bilmir; bir az sonra yenidən cəhd edin.
error-unit-not-found = “{ $id }” identifikatorlu tərcümə vahidi yoxdur; identifikatoru yoxlayın.
error-unknown-language = “{ $tag }” dil teqi düzgün qurulub, lakin burada məlum və ya dəstəklənən heç bir dili göstərmir; məsələn, en, hy, az və ya ru istifadə edin.
error-unreadable-body = Sorğunun gövdəsini oxumaq mümkün olmadı; onu yenidən göndərin.
error-unsupported-media-type = Bu məzmun növü qəbul edilmir; JSON-u application/json, TMX-i application/x-tmx+xml, TSV-ni isə text/tab-separated-values kimi göndərin.
error-feed-not-found = { $path } ünvanında axın yoxdur; onu iki dil teqi ilə MƏNBƏ-HƏDƏF.tmx adlandırın, məsələn, /v1/feeds/en-hy.tmx.
error-locale-not-found = { $path } ünvanındakı dilə uyğun lokal burada təqdim olunmur; siyahı üçün GET /v1/l10n/locales.
error-too-many-messages = Bir sorğuda həddən artıq mesaj var; ən çoxu { $max } göndərin, qalanını isə növbəti sorğularla.
error-article-not-found = “{ $id }” identifikatorlu məqalə yoxdur; identifikatoru yoxlayın və ya əvvəlcə məqaləni POST /v1/articles ilə göndərin.
error-article-too-long = Məqalə bu serverin qəbul etdiyindən uzundur; daha qısa məqalə göndərin və ya administratordan limiti artırmağı xahiş edin.
error-edit-conflict = Eyni anda başqa biri eyni məqaləni dəyişdi; dəyişikliyinizi yenidən göndərin.
error-invalid-alignment = Düzəldilmiş uyğunlaşdırma hər iki versiyanın hər cümləsini düz bir dəfə saxlamalıdır; cümlə nömrələrini yoxlayın.
error-invalid-article = Məqalə tam deyil: hər versiyanın başlığı və body və ya html-i olmalıdır, mənbə dili isə versiyalardan biri olmalıdır.
error-invalid-article-id = Məqalə identifikatoru 1–200 hərf, rəqəm, defis, alt xətt və ya nöqtədir, çəp xətt olmadan.
error-no-article-text = Məqalənin bir versiyasında mətn yoxdur; onun mətnini göndərin.
error-source-version = Məqalənin mənbə versiyasını silmək olmaz; bunun əvəzinə məqaləni silin.
error-version-not-found = “{ $id }” məqaləsinin { $lang } versiyası yoxdur.
error-malformed-xliff = XLIFF faylı { NUMBER($line, useGrouping: "false") } sətirdə səhvdir; heç nə idxal olunmadı. Faylı düzəldin və yenidən göndərin.
error-headers-too-large = Sorğunun başlıqları çox böyükdür (96-dan çox başlıq və ya 128 KiB).
error-header-timeout = Sorğunun başlıqları 5 saniyə ərzində gəlmədi.
error-malformed-request = Sorğu etibarlı HTTP/1.1 deyil; sorğu sətrini (metod, / ilə başlayan yol, HTTP/1.1) və başlıqları yoxlayın.
error-forbidden = Bu açar bunu edə bilməz: “{ $role }” rolu lazımdır; administratordan bu rolla açar istəyin.
error-key-not-found = “{ $id }” identifikatorlu açar yoxdur; GET /v1/keys hamısını göstərir.
error-keys-disabled = Bu serverdə açarlar söndürülüb: onları yaratmaq üçün baş açar təyin edin (TETRAGLOT_MASTER_KEY və ya --master-key-file).
error-rate-limited = Bu açarla icazə veriləndən çox sorğu göndərilib; Retry-After qədər gözləyin və yenidən cəhd edin.
error-not-ready = Xidmət sorğuları qəbul etməyə hazır deyil (yaddaşına hazırda yazmaq olmur); yük balanslaşdırıcısı onları başqa yerə göndərməlidir.
