# mnir — mesajele în limba română. Fiecare id de aici trebuie să existe și în en/main.ftl (un test verifică).

app-name = Mecanismul Național de Identificare și Referire
app-short = MNIR
lang-self = Română
footer-text = MNIR — identificarea și referirea victimelor traficului de persoane. Orice acces la datele cazurilor este înregistrat.
yes = da
no = nu

nav-skip = Salt la conținut
nav-label = Meniul principal
nav-dashboard = Panou
nav-cases = Cazuri
nav-notify = Verificare și semnalare
nav-reference = Referințe
nav-admin = Administrare
nav-account = Contul meu
nav-logout = Ieșire

login-title = Autentificare
login-intro = Autentificați-vă cu contul primit de la organizația dumneavoastră.
login-login = Nume de utilizator
login-password = Parolă
login-submit = Intră în cont
login-failed = Numele de utilizator sau parola sunt greșite.
login-wait = Prea multe încercări eșuate. Încercați din nou peste { $seconds ->
        [one] o secundă
        [few] { $seconds } secunde
       *[other] { $seconds } de secunde
    }.
login-logged-out = V-ați deconectat.

dashboard-overdue-referrals = Referiri fără răspuns după termen (la nivel național)
dashboard-no-overdue-referrals = Nicio referire nu a depășit termenul de răspuns.
dashboard-referral-route = De la → către
dashboard-title = Panou
dashboard-greeting = Sunteți autentificat(ă) ca { $login }, { $org }.
dashboard-roles = Rolurile dumneavoastră
dashboard-counts = Cazurile pe care le puteți vedea, după stare
dashboard-national = vedere națională, fără nume
dashboard-no-cases = Nu există încă niciun caz pe care să îl puteți vedea.
dashboard-actions = Ce puteți face
dashboard-open-cases = Deschide lista de cazuri
dashboard-note-screener = Ca lucrător de primă linie semnalați potențiale victime și vedeți semnalările făcute de dumneavoastră. Nu cereți persoanei să își povestească experiența.
dashboard-note-case_worker = Ca manager de caz gestionați cazurile direcționate către organizația dumneavoastră.
dashboard-note-identification_officer = Ca ofițer de identificare luați deciziile formale de identificare pe care organizația dumneavoastră este abilitată să le ia.
dashboard-note-supervisor = Ca supervizor aprobați închiderea cazurilor și redeschideți cazurile organizației.
dashboard-note-coordinator = Ca și coordonator vedeți cifrele naționale ale cazurilor, fără nume.
dashboard-note-investigator = Ca anchetator vedeți cazurile direcționate către organizația dumneavoastră, fără notițele de sprijin.
dashboard-note-trainer = Ca formator pregătiți lucrătorii de primă linie; paginile de referință arată semnalele și direcționarea pe care le învață.
dashboard-note-admin = Ca administrator gestionați conturile și organizațiile. Prin concepție, acest rol nu dă acces la conținutul cazurilor.

cases-title = Cazuri
cases-count = { $count ->
    [one] { $count } caz
    [few] { $count } cazuri
   *[other] { $count } de cazuri
}
cases-page = Notificate între { $oldest } și { $newest }
cases-pages = Pagini
cases-prev = Cazuri mai noi
cases-next = Cazuri mai vechi
cases-first = Cele mai noi cazuri
cases-filter = Filtrează cazurile
cases-filter-apply = Aplică filtrele
cases-any = Oricare
cases-bad-filter = Filtrul nu este valid: alegeți starea și județul din liste. Un link de pagină modificat de mână nu poate fi urmat; reîncepeți de la cele mai noi cazuri.
cases-national-note = Vedere de coordonare națională: numele și notițele sunt ascunse.

case-title = Cazul
case-reference = Referință
case-name = Nume
case-state = Stare
case-sex = Sex
case-age-group = Vârstă
case-county = Județul în care a fost găsită
case-citizenship = Cetățenie
case-exploitation = Forma de exploatare suspectată
case-notified-at = Semnalat la
case-updated-at = Ultima modificare
case-notifying-org = Semnalat de
case-given-name = Prenume
case-family-name = Nume de familie
case-birth-date = Data nașterii
case-notes = Notițe
case-signals = Semnale observate
case-no-signals = Nu s-a înregistrat niciun semnal.
case-no-notes = Fără notițe.
case-person = Persoana
case-identity-hidden = Numele și data nașterii sunt ascunse: rolul dumneavoastră nu are nevoie de ele.
case-notes-hidden = Notițele sunt ascunse: rolul dumneavoastră nu are nevoie de ele.
case-next-steps = Pașii următori
case-no-steps = Nu puteți face acum niciun pas în acest caz.
case-steps-not-yours = Pași pe care nu îi puteți face
case-move-to = Trece în starea: { $state }
case-reason-for = Motivul trecerii în starea „{ $state }” (rămâne în istoric)
case-routing = Organizațiile care pot vedea cazul
case-history = Istoric

transition-reason-required = Scrieți motivul acestui pas.
transition-returned-by-repatriation = O persoană este returnată prin procedura de repatriere: cazul trece în această stare după ce călătoria și primirea sunt încheiate.
transition-reason-too-long = Motivul poate avea cel mult 2000 de caractere.
transition-blocked-by-clock = Pasul nu se poate face cât timp rulează termenul „{ $clock }”.
transition-reflection-running = Perioada de reflecție rulează: întoarcerea nu se organizează decât la cererea persoanei. Încheiați întâi perioada de reflecție cu rezultatul „persoana a cerut întoarcerea asistată”.
transition-stale = Între timp, altcineva a modificat cazul; acum este „{ $state }”. Verificați istoricul și încercați din nou.
transition-unknown-state = Acest pas nu există.

notify-title = Verificare de primă linie și semnalare
notify-intro = Notați ce ați observat. Nu cereți persoanei să își povestească experiența: vor vorbi cu ea specialiștii. Semnalarea ajunge la centrul regional ANITP al județului și, pentru un copil sau o persoană cu vârsta necunoscută, la direcția de protecție a copilului din județ.
notify-person = Persoana
notify-birth-date-hint = În forma an-lună-zi, de exemplu 2008-03-21. Lăsați gol dacă nu se cunoaște.
notify-signals = Ce ați observat
notify-signals-hint = Bifați fiecare semn pe care l-ați văzut dumneavoastră. Semnele marcate „cheie” sunt suficiente singure pentru semnalare.
notify-context = Context
notify-notes-hint = Unde și cum ați întâlnit persoana și orice urgență (nevoi medicale, pericol).
notify-submit = Trimite semnalarea
form-has-errors = Semnalarea nu a fost trimisă. Vă rugăm să corectați:
form-choose = Alegeți…
form-not-known = Necunoscut
citizenship-unknown = Necunoscută
signal-key-short = cheie

field-name-required = Scrieți un prenume sau un nume de familie (este suficient un nume folosit de persoană).
field-name-too-long = Un nume poate avea cel mult 100 de caractere.
field-birth-date-format = Scrieți data nașterii în forma an-lună-zi, de exemplu 2008-03-21.
field-birth-date-future = Data nașterii nu poate fi în viitor.
field-birth-date-too-old = Data nașterii nu poate fi înainte de 1900.
field-sex-invalid = Alegeți una dintre variantele pentru sex.
field-citizenship-invalid = Alegeți o cetățenie din listă.
field-county-invalid = Alegeți județul în care a fost găsită persoana.
field-signal-unknown = Semnalul „{ $code }” nu există.
field-exploitation-invalid = Alegeți o formă de exploatare din listă.
field-notes-too-long = Notițele pot avea cel mult 5000 de caractere.
field-state-invalid = Aceasta nu este o stare a cazului.
field-inbox-view-invalid = Dați una dintre valorile: mine, others, all.
field-inbox-clock-invalid = Acesta nu este un tip de termen.
field-inbox-after-invalid = Nu este un loc din listă: dați valoarea `after` dintr-un răspuns anterior.
field-page-invalid = O pagină conține între 1 și 200 de cazuri.
field-cursor-invalid = Nu este un loc din listă: dați valoarea `older` sau `newer` dintr-un răspuns anterior, nu pe amândouă.

account-title = Schimbă parola
account-current = Parola actuală
account-new = Parola nouă
account-new-hint = Cel puțin 12 caractere. Câteva cuvinte fără legătură între ele sunt ușor de ținut minte și greu de ghicit.
account-confirm = Parola nouă, încă o dată
account-submit = Schimbă parola
org-actions = Acțiuni
account-tokens-title = Jetoane API
account-tokens-intro = Jetoanele cu care programele folosesc API-ul în numele dumneavoastră. Schimbarea parolei le revocă pe toate; revocați aici unul pe care nu îl mai folosiți.
account-tokens-none = Nu aveți jetoane API.
account-token-id = Jeton
account-token-created = Creat
account-token-expires = Expiră
account-token-revoke = Revocă
account-wrong-current = Parola actuală este greșită.
account-too-short = Parola nouă trebuie să aibă cel puțin 12 caractere.
account-mismatch = Cele două parole noi diferă.
account-changed = Parola a fost schimbată. Autentificați-vă cu cea nouă.

admin-users-title = Conturi
admin-orgs-title = Organizații
admin-audit-title = Jurnal de audit
admin-audit-recent = Ultimele înregistrări
admin-no-case-access = Administratorii gestionează conturile și organizațiile; nu văd conținutul cazurilor.
admin-users-cli = Conturile se creează pe server cu
users-count = { $count ->
    [one] { $count } cont
    [few] { $count } conturi
   *[other] { $count } de conturi
}
orgs-count = { $count ->
    [one] { $count } organizație
    [few] { $count } organizații
   *[other] { $count } de organizații
}
user-login = Nume de utilizator
user-roles = Roluri
user-status = Stare
user-active = activ
user-inactive = dezactivat
user-failed-logins = activ; { $count ->
        [one] o încercare eșuată
        [few] { $count } încercări eșuate
       *[other] { $count } de încercări eșuate
    } de la ultima autentificare reușită
user-access = Acces
user-disable = Dezactivează
user-enable = Activează
admin-not-own-organisation = Nu vă puteți dezactiva propria organizație de aici: v-ați închide singur accesul. Folosiți `mnir org disable` pe server.
admin-not-yourself = Nu vă puteți dezactiva sau activa propriul cont aici; o poate face alt administrator sau linia de comandă.
org-code = Cod
org-name = Denumire
org-type = Tip
org-county = Județ
org-investigates = Organ de anchetă
org-identifies = Decizii de identificare
org-active = Activă
audit-intact = Lanțul de audit este intact: { $count } înregistrări verificate.
audit-broken = Lanțul de audit este rupt la înregistrarea { $seq }: { $why }
audit-at = Ora
audit-actor = Utilizator
audit-action = Acțiune
audit-target = Subiect
audit-detail = Detalii

reference-signals-title = Semnale de primă linie
reference-signals-intro = Semnele pe care le urmărește un lucrător de primă linie instruit. Un semn cheie singur sau oricare două semne sugerează semnalarea unei potențiale victime.
reference-routing-title = Direcționare pe județe
reference-routing-intro = Unde ajunge o semnalare: la centrul regional ANITP care acoperă județul și, pentru un copil, la direcția generală de asistență socială și protecția copilului (DGASPC) din județ.
routing-centre = Centrul regional ANITP
routing-child-protection = Protecția copilului
signal-code = Cod
signal-label = Semnal
signal-key = Cheie
signal-applies = Se aplică
applies-all = tuturor
applies-child = copiilor

error-not-found-title = Pagina nu a fost găsită
error-not-found = Această pagină nu există sau nu aveți dreptul să o vedeți.
error-forbidden-title = Acțiune nepermisă
error-bad-request-title = Cerere neînțeleasă
error-internal-title = A apărut o problemă
error-internal = Cererea nu a putut fi finalizată. Nu s-a modificat nimic. Încercați din nou; dacă se repetă, anunțați administratorul.
error-csrf = Formularul a expirat sau nu provine de pe acest site. Reîncărcați pagina și încercați din nou.
error-back-dashboard = Înapoi la panou
error-api-unauthorized = Este necesar un jeton API valid (Authorization: Bearer …).
error-invalid = Unele câmpuri nu sunt valide.
error-query = Adresa are un parametru greșit sau repetat: { $detail }
error-too-large = Cererea depășește { $size }, cât primește serverul la această adresă.
error-request = Cererea nu a putut fi citită (metodă, antet sau corp greșit).
error-json = Corpul cererii nu este JSON valid: { $detail }

denial-role-missing = Este nevoie de unul dintre rolurile: { $roles }.
denial-transition = Un caz nu poate trece din „{ $from }” în „{ $to }”.
denial-no-identification-power = Organizația dumneavoastră nu este abilitată să ia decizii de identificare.
denial-children-only = Organizația dumneavoastră ia decizii de identificare doar pentru copii; această persoană este adultă.

state-notified = semnalat
state-potential_victim = potențială victimă
state-presumed_victim = victimă prezumată
state-identified_victim = victimă identificată
state-not_a_victim = nu este victimă
state-in_assistance = în asistență
state-returned = repatriată
state-declined_assistance = a refuzat asistența
state-closed = închis
state-duplicate = dublură

sex-female = feminin
sex-male = masculin
sex-other = altul
sex-unknown = necunoscut

age-child = copil
age-adult = adult
age-unknown = vârstă necunoscută

exploitation-sexual = exploatare sexuală
exploitation-labour = exploatare prin muncă
exploitation-begging = cerșetorie forțată
exploitation-criminality = infracționalitate forțată
exploitation-other = altă formă

role-screener = lucrător de primă linie
role-case_worker = manager de caz
role-identification_officer = ofițer de identificare
role-supervisor = supervizor
role-coordinator = coordonator
role-investigator = anchetator
role-trainer = formator
role-admin = administrator

basis-notifier = a făcut semnalarea
basis-regional_centre = centrul regional ANITP al județului
basis-child_protection = protecția copilului din județ

orgtype-NGO = ONG
orgtype-LawEnforcement = aplicarea legii
orgtype-HealthServiceOrganisation = serviciu de sănătate
orgtype-CentralGovernmentOrganisation = administrație centrală
orgtype-LocalGovernmentOrganisation = administrație locală
orgtype-ImmigrationService = serviciu de imigrări
orgtype-LegalService = serviciu juridic
orgtype-CorporateBusiness = companie
orgtype-SchoolOrCollege = școală sau facultate

identify-none = nu
identify-children_only = doar pentru copii
identify-all = da

dimension-deceptive_recruitment = recrutare înșelătoare
dimension-coercive_recruitment = recrutare prin constrângere
dimension-vulnerability_recruitment = recrutare prin abuz de vulnerabilitate
dimension-exploitative_conditions = condiții de exploatare
dimension-coercion_destination = constrângere la destinație
dimension-vulnerability_destination = abuz de vulnerabilitate la destinație
clause-a = doi indicatori puternici
clause-b = un indicator puternic și unul mediu sau slab
clause-c = trei indicatori medii
clause-d = doi indicatori medii și unul slab
weight-strong = puternic
weight-medium = mediu
weight-weak = slab
element-means_recruitment = mijloace la recrutare
element-exploitation = exploatare
element-means_destination = mijloace la destinație
element-act = fapta
expl-dimension-positive = Dimensiunea „{ $dimension }” este pozitivă conform regulii ({ $clause }): { $rule }. Au contat: { $indicators }.
expl-dimension-short = Dimensiunea „{ $dimension }” nu este pozitivă: { $indicators } nu sunt suficienți.
expl-dimension-none = Dimensiunea „{ $dimension }”: niciun indicator prezent.
expl-elements-adult = Mijloace la recrutare: { $recruitment }; exploatare: { $exploitation }; mijloace la destinație: { $destination }.
expl-elements-child = Faptă (recrutare, transport, transfer, adăpostire sau primire): { $act }; exploatare: { $exploitation }. Pentru un copil mijloacele nu sunt necesare.
expl-not-recorded = neînregistrată
expl-aggravating = Dimensiunile pozitive privind mijloacele sunt reținute ca circumstanțe agravante.
expl-outcome-indicated-adult = Rezultat: traficul este indicat — toate cele trei elemente sunt prezente.
expl-outcome-indicated-child = Rezultat: traficul este indicat — fapta și exploatarea sunt prezente.
expl-outcome-not = Rezultat: nu este indicat; lipsesc: { $missing }.
expl-outcome-insufficient = Rezultat: informații insuficiente — au fost verificați doar { $asked } din { $total } indicatori (este nevoie de cel puțin jumătate); lipsesc: { $missing }.
expl-advice = Acesta este un sprijin: decide ofițerul de identificare, care își consemnează motivele.

nav-identification = Cataloage de indicatori
case-interview-link = Interviul de identificare
interview-title = Interviul de identificare
interview-intro = Marcați fiecare indicator al profilului ca prezent, absent sau neverificat, cu o scurtă notă despre dovezi. La salvare se afișează starea fiecărei dimensiuni și recomandarea motorului; răspunsurile anterioare se păstrează.
interview-result = Recomandarea motorului
interview-catalogue = Catalogul de indicatori
interview-profile = Profil
interview-profile-label = Profilul interviului
interview-profile-hint = Adult sau copil după vârstă; folosiți un profil de copil cât timp vârsta este incertă.
interview-change-profile = Arată indicatorii acestui profil
interview-act = A existat o faptă (recrutare, transport, transfer, adăpostire sau primire)?
interview-evidence = Dovezi pentru
interview-save = Evaluează și salvează
interview-dimension-positive = pozitivă conform regulii ({ $clause })
interview-dimension-negative = nu este pozitivă ({ $count } prezenți)
interview-dimension-pending = neevaluată încă
interview-saved-at = Salvat la { $at }, cu catalogul { $version }.
interview-bad-profile = Alegeți unul dintre cele patru profiluri.
interview-bad-catalogue = Catalogul de indicatori al acestui formular nu mai există; reîncărcați pagina.
interview-note-too-long = Nota de la indicatorul { $indicator } are { $length } caractere; cel mult { $max } sunt permise. Scurtați-o; nimic nu a fost salvat.
interview-bad-answers = Răspunsurile numesc indicatori care nu sunt în acest profil al catalogului; reîncărcați pagina.
mark-present = prezent
mark-absent = absent
mark-not-asked = neverificat
profile-adult-labour = adult, exploatare prin muncă
profile-adult-sexual = adult, exploatare sexuală
profile-child-labour = copil, exploatare prin muncă
profile-child-sexual = copil, exploatare sexuală
outcome-indicated = trafic indicat
outcome-not_indicated = nu este indicat
outcome-insufficient_information = informații insuficiente
decision-title = Decizia de identificare
decision-advice = Ultima recomandare a motorului: { $outcome }. Este o recomandare; decizia vă aparține.
decision-no-interview = Nu s-a salvat încă niciun interviu de identificare; decizia nu va avea o recomandare a motorului.
decision-label = Decizie
decision-reasons = Motivele deciziei
decision-why-different = De ce decizia diferă de recomandare
decision-why-different-hint = Obligatoriu când decideți altfel decât recomandarea motorului.
decision-submit = Înregistrează decizia
decision-choose = Alegeți una dintre deciziile propuse.
decision-reasons-required = Scrieți motivele deciziei.
decision-why-different-required = Decizia dumneavoastră diferă de recomandarea motorului: explicați de ce.
catalogues-title = Cataloage de indicatori
catalogues-intro = Fiecare interviu păstrează versiunea de catalog folosită. O versiune nouă, încărcată aici, este folosită de interviurile noi după activare.
catalogue-version = Versiune
catalogue-indicators = Indicatori
catalogue-imported-at = Încărcat
catalogue-state = Stare
catalogue-active = activ
catalogue-activate = Activează
catalogue-import = Încarcă o versiune nouă
catalogue-invalid = Catalogul nu a fost încărcat. Corectați aceste rânduri și câmpuri:
catalogue-line = Rând
catalogue-field = Câmp
catalogue-problem = Problemă
catalogue-csv = Catalog (CSV)
catalogue-csv-hint = Coloane: code, dimension, adult_labour, child_labour, adult_sexual, child_sexual, label_en, label_ro; ponderi S, M, W sau - (nu face parte din profil).
catalogue-submit = Verifică și încarcă
catalogue-builtin = livrat cu mnir
catalogue-imported = Noua versiune de catalog a fost încărcată. Activați-o pentru a o folosi în interviurile noi.
catalogue-activated = Versiunea de catalog este acum activă.
catalogue-version-exists = Versiunea { $version } există deja; alegeți un nume nou de versiune.
dashboard-decisions = { $count ->
    [one] { $count } decizie de identificare
    [few] { $count } decizii de identificare
   *[other] { $count } de decizii de identificare
}, dintre care { $differing } diferite de recomandarea motorului.
screening-check = Verifică semnalele
screening-title = Rezultatul verificării
screening-suggested-key = Semnalarea este recomandată: „{ $signal }” este un semnal cheie.
screening-suggested-several = Semnalarea este recomandată: { $count } semnale observate.
screening-not-suggested = Semnalele nu recomandă semnalarea ({ $count } observate). Puteți semnala totuși dacă aveți alte motive (o informație, persoana cere ajutor).
field-indicator-unknown = Codul de indicator „{ $code }” nu există.
field-indicator-not-in-profile = Indicatorul „{ $code }” nu face parte din profilul { $profile }.

nav-inbox = Sarcini
inbox-title = Sarcini și termene
inbox-tasks = Sarcini din termene expirate
inbox-other-tasks-hint = Sunt în grija altor roluri din organizație; le vedeți ca să nu rămână nerezolvate.
inbox-for-role = pentru:
inbox-no-tasks = Nicio sarcină deschisă.
inbox-since = Scadentă din
inbox-done = Marchează ca rezolvată
inbox-view = Arată
inbox-view-mine = Sarcinile rolurilor mele
inbox-view-others = Sarcinile altor roluri
inbox-view-all = Toate sarcinile organizației
inbox-filter = Filtrează sarcinile
inbox-filter-apply = Arată sarcinile
inbox-count = { $count ->
    [one] O sarcină deschisă
    [few] { $count } sarcini deschise
   *[other] { $count } de sarcini deschise
}
inbox-others-waiting = { $count ->
    [one] Încă o sarcină așteaptă un alt rol al organizației.
    [few] Încă { $count } sarcini așteaptă alte roluri ale organizației.
   *[other] Încă { $count } de sarcini așteaptă alte roluri ale organizației.
}
inbox-others-show = Arată-le
inbox-pages = Paginile sarcinilor
inbox-first = Cele mai vechi sarcini
inbox-later = Următoarele sarcini
inbox-upcoming-capped = Sunt arătate cele mai apropiate { $count }.
inbox-bad-filter = Filtrul nu este valid: alegeți din liste. Un link de pagină modificat de mână nu poate fi urmat; reîncepeți din pagina de sarcini.
inbox-upcoming = Termene în următoarele 7 zile
inbox-no-upcoming = Niciun termen în următoarele 7 zile.
case-clocks = Termene legale
clock-name = Termen
clock-due = Scadență
clock-left-title = Timp rămas
clock-no-due = suspendat, fără scadență
clock-left = mai sunt { $span }
clock-overdue = depășit cu { $span }
clock-span-days = { $days ->
    [one] { $days } zi
    [few] { $days } zile
   *[other] { $days } de zile
} { $hours } h
clock-span-hours = { $hours } h { $minutes } min
clock-pause = Suspendă
clock-resume = Reia
clock-reason = Motivul suspendării termenului
clock-reason-required = Scrieți motivul suspendării termenului (cel mult 1000 de caractere).
clock-changed = Termenul s-a modificat între timp; reîncărcați cazul.
task-what = { $task } (a expirat: { $clock })
clock-notification_ack = confirmarea semnalării
clock-identification_interview = interviul de identificare
clock-reflection_period = perioada de reflecție
clock-referral_response = răspunsul la o referire
clock-risk_review_high = reevaluarea riscului (ridicat)
clock-risk_review_medium = reevaluarea riscului (mediu)
clock-risk_review_low = reevaluarea riscului (scăzut)
clock-assistance_period = perioada de asistență
clock-emergency_compensation = compensația de urgență
clockstate-running = în curs
clockstate-paused = suspendat
clockstate-stopped = oprit
clockstate-expired = expirat
expiry-escalate_to_regional_supervisor = escaladare către supervizorul centrului regional
expiry-task_to_supervisor = sarcină pentru supervizor
expiry-decision_on_residence_or_return = decizie privind șederea sau întoarcerea
expiry-escalate_to_sender_supervisor_and_anitp = escaladare către supervizorul expeditorului și ANITP
expiry-task_to_case_worker = sarcină pentru managerul de caz
expiry-review_task = reevaluarea asistenței
expiry-task_to_legal_advisor = sarcină pentru consilierul juridic

consent-title = Informare și consimțământ
consent-intro = Înregistrați drepturile explicate, limba și ajutorul folosit, apoi fiecare consimțământ: pentru ce scop, către ce destinatar, cum și de către cine a fost dat. Consimțământul poate fi retras oricând; transmiterea se oprește imediat.
consent-child-note = Pentru un copil, înregistrați acordul copilului și consimțământul reprezentantului legal sau al direcției de protecție a copilului. Lipsa consimțământului părinților nu împiedică niciodată protecția copilului.
information-title = Informarea privind drepturile
information-none = Nu s-a înregistrat încă nicio informare.
information-rights = Drepturi explicate
information-language = Limba folosită
information-language-hint = Cod ISO 639 de două sau trei litere, de exemplu ro, en, uk, ar.
information-interpreter = cu interpret
information-mediator = cu mediator intercultural
information-both = cu interpret și mediator intercultural
information-no-help = fără interpret sau mediator
information-notice = Versiunea notei de informare
information-submit = Înregistrează informarea
information-line = { $at }: { $rights } — în limba { $language }, { $help }, nota { $notice } ({ $org })
information-rights-required = Bifați cel puțin unul dintre drepturile explicate.
information-language-invalid = Scrieți limba ca un cod de două sau trei litere, de exemplu ro sau en.
information-notice-required = Scrieți versiunea notei de informare.
information-notice-too-long = Scrieți versiunea notei în cel mult 64 de caractere (de exemplu 2026-1).
consents-title = Consimțăminte
consents-none = Nu s-a înregistrat încă niciun consimțământ.
consent-purpose = Scop
consent-recipient = Destinatar
consent-recipient-hint = Obligatoriu pentru asistența oferită de un furnizor anume și pentru transmiterea către poliție.
consent-no-recipient = Fără destinatar anume
consent-given-by = Dat de
consent-method = Cum a fost dat
consent-expires = Valabil până la (opțional)
consent-expires-hint = În forma an-lună-zi; lăsați gol dacă nu expiră.
consent-submit = Înregistrează consimțământul
consent-withdraw = Retrage
consent-details = Dat de { $by }, { $method }, la { $at }, valabil până la { $until }.
consent-no-expiry = fără dată de expirare
consent-in-force = În vigoare.
consent-expired = Expirat.
consent-withdrawn-at = Retras la { $at }.
consent-purpose-invalid = Alegeți scopul consimțământului.
consent-recipient-required = Alegeți destinatarul pe care îl numește consimțământul.
consent-given-by-invalid = Alegeți cine a dat consimțământul.
consent-method-invalid = Alegeți cum a fost dat consimțământul.
consent-expires-invalid = Scrieți data expirării ca o dată viitoare, an-lună-zi.
consent-already-withdrawn = Acest consimțământ a fost retras deja.
right-assistance_protection = asistență și protecție
right-reflection_period = perioada de reflecție (cetățeni străini)
right-legal_aid = asistență juridică
right-compensation = despăgubiri
right-witness_protection = protecție ca martor
right-assistance_without_cooperation = asistența nu depinde de cooperarea cu poliția
purpose-assistance = asistență de la un furnizor anume
purpose-sharing_with_police = transmitere către poliție
purpose-research = folosirea datelor neidentificabile în cercetare
purpose-anitp_contact = contactul din partea programului ANITP de coordonare a victimelor
purpose-repatriation = returnarea voluntară asistată acasă
givenby-person = persoana
givenby-child_assent = copilul (acord)
givenby-legal_representative = reprezentantul legal
givenby-child_protection = direcția de protecție a copilului
method-signed_form = formular semnat
method-verbal_with_witness = verbal, în prezența unui martor

nav-directory = Director
directory-title = Directorul serviciilor
directory-intro = Cine oferă ce serviciu, unde, cui, în ce limbi și câte locuri are acum.
directory-search = Caută în director
directory-service = Serviciu
directory-group = Primește
directory-services = Servicii
directory-counties = Județe acoperite
directory-counties-hint = Nu bifați niciunul pentru o organizație care lucrează la nivel național.
directory-groups = Grupuri țintă
directory-languages = Limbi
directory-languages-hint = Coduri de limbă separate prin virgulă, de exemplu ro, en, uk.
directory-capacity = Locuri disponibile acum
directory-nationwide = la nivel național
directory-edit-own = Actualizează intrarea organizației mele
directory-edit-title = Intrarea din director
directory-save = Salvează intrarea
form-has-errors-generic = Nu s-a salvat nimic. Vă rugăm să corectați:
directory-invalid-services = Bifați cel puțin un serviciu.
directory-invalid-counties = Un județ nu este cunoscut.
directory-invalid-target_groups = Bifați cel puțin un grup țintă.
directory-invalid-languages = Scrieți limbile cu coduri de două sau trei litere, separate prin virgulă.
directory-invalid-capacity = Scrieți locurile disponibile ca un număr întreg, de la 0.
service-accommodation = cazare
service-medical = îngrijire medicală
service-psychological = consiliere psihologică
service-legal = asistență juridică
service-social = asistență socială
service-education = educație și formare profesională
service-reintegration = reintegrare
service-protection = protecție
service-investigation = investigație
service-repatriation = repatriere
service-follow_up = monitorizare
group-children = copii
group-women = femei
group-men = bărbați
group-families = familii

referrals-title = Referiri
referrals-none = Nu s-a făcut nicio referire.
referral-title = Referire
referral-recipient = Referă către
referral-recipient-hint = Directorul arată ce oferă fiecare organizație. Consimțământul potrivit trebuie înregistrat mai întâi.
referral-urgent = Urgent (răspuns în 24 de ore)
referral-send = Trimite referirea
referral-service-invalid = Alegeți serviciul cerut prin referire.
referral-recipient-invalid = Alegeți o altă organizație ca destinatar.
referral-consent-missing = Referirea nu a fost trimisă: este nevoie de consimțământul persoanei pentru „{ $purpose }” care să numească { $recipient }. Înregistrați-l întâi pe pagina de informare și consimțământ.
referral-consent-gone = Consimțământul care a permis această referire a fost retras sau a expirat: cazul nu mai poate fi arătat organizației dumneavoastră.
referral-heading = { $service }, referire de la { $from }
referral-data-set-note = Vedeți doar datele de care are nevoie acest serviciu.
referral-answer = Răspuns
referral-accept = Acceptă referirea
referral-decline = Refuză referirea
referral-decline-reason = Motivul refuzului
referral-reason-required = Scrieți de ce refuzați referirea.
referral-answer-invalid = Alegeți să acceptați sau să refuzați.
referral-answered = Referirea a primit deja un răspuns.
reason-hidden = motivul se vede doar de cei care citesc notele cazului
referral-history = Istoric
referral-history-sent = { $at }: { $from } a referit către { $to } pentru { $service }.
referral-history-sent-urgent = { $at }: { $from } a referit urgent către { $to } pentru { $service }.
referral-history-accepted = { $at }: acceptată.
referral-history-declined = { $at }: refuzată — { $reason }
referral-history-cancelled = { $at }: anulată, pentru că persoana și-a retras consimțământul.
referral-history-awaiting = Așteaptă răspuns.
inbox-referrals = Referiri la care trebuie răspuns
inbox-no-referrals = Nicio referire nu așteaptă răspuns.

## Reflection period (mnir.md §7) and the no-removal flag
reflection-title = Perioada de reflecție
reflection-intro = Unui cetățean străin considerat victimă prezumată i se oferă o perioadă de reflecție (până la 90 de zile, Legea 678/2001 art. 39^1). Cât timp rulează, persoana nu poate fi îndepărtată din țară, iar Inspectoratul General pentru Imigrări vede acest lucru.
reflection-none = Nu a fost înregistrată nicio ofertă.
reflection-answer = Răspunsul persoanei la ofertă
reflection-accept = A acceptat perioada de reflecție
reflection-decline = A refuzat perioada de reflecție
reflection-language = Limba în care i s-a explicat oferta
reflection-record = Înregistrează răspunsul
reflection-outcome = Cum se încheie
reflection-reason = Motivul încheierii
reflection-end = Încheie perioada de reflecție
reflection-line-accepted = { $at }: oferită de { $org } în limba „{ $language }”; acceptată.
reflection-line-declined = { $at }: oferită de { $org } în limba „{ $language }”; refuzată.
reflection-line-ended = Încheiată la { $at }: { $outcome } — { $reason }
reflection-line-ran-out = S-a încheiat la termen, la { $at }.
reflection-line-stopped = S-a încheiat odată cu pasul cazului din { $at }.
reflection-already-granted = Perioada de reflecție a fost acordată deja pentru acest caz; se acordă o singură dată.
reflection-flag-title = Nu poate fi îndepărtată din țară.
reflection-flag = Perioada de reflecție rulează până la { $until }.
reflection-flag-paused = Perioada de reflecție este suspendată; interdicția de îndepărtare rămâne.
reflection-not-due = Perioada de reflecție se oferă doar cetățenilor străini, de la constatarea de victimă prezumată, cât timp cazul este deschis.
reflection-answer-required = Alegeți dacă persoana a acceptat sau a refuzat perioada de reflecție.
reflection-running = Pentru acest caz rulează deja o perioadă de reflecție.
reflection-none-running = Pentru acest caz nu rulează nicio perioadă de reflecție.
reflection-outcome-invalid = Alegeți din listă cum se încheie perioada.
reflection-reason-required = Scrieți motivul încheierii (cel mult 2000 de caractere).
reflectionoutcome-residence = drept de ședere acordat
reflectionoutcome-return = persoana a cerut întoarcerea asistată
reflectionoutcome-other = alt motiv
nav-disclosures = Dezvăluiri
nav-noremoval = Interdicții de îndepărtare
noremoval-title = Persoane care nu pot fi îndepărtate din țară
noremoval-intro = Cetățeni străini aflați în perioada de reflecție. Nicio măsură de îndepărtare nu se ia față de ei până la data arătată; lista nu arată nimic altceva despre caz.
noremoval-none = Acum nu rulează nicio perioadă de reflecție.
noremoval-name = Nume
noremoval-since = De la
noremoval-until = Până la
noremoval-paused = suspendată, fără termen

# Operatorul serverului, în linia de comandă
org-code-invalid = Codul organizației „{ $code }” poate conține doar litere, cifre și cratime.
org-name-required = Scrieți denumirea organizației.
org-county-unknown = Județul „{ $county }” nu există (ISO 3166-2, de exemplu RO-CJ).
user-login-invalid = Numele de utilizator „{ $login }” trebuie să aibă 1–64 de litere, cifre sau . _ - @
user-org-unknown = Organizația „{ $org }” nu există.
user-login-exists = Numele de utilizator „{ $login }” este deja folosit.
synthetic-no-organisations = Lipsesc organizațiile implicite: rulați întâi mnir init.
synthetic-seed-used = Cazurile acestei semințe sunt deja în baza de date; alegeți altă sămânță.

# Autentificarea în doi pași
code-title = Codul de autentificare
code-intro = Introduceți codul de șase cifre afișat pentru mnir de aplicația de autentificare sau unul dintre codurile de recuperare.
code-label = Cod
code-submit = Continuă
code-restart = Autentificare cu alt cont
two-factor-title = Autentificare în doi pași
two-factor-wrong-code = Codul este greșit sau a fost deja folosit. Așteptați codul următor din aplicație și încercați din nou.
two-factor-session-gone = Autentificarea a durat prea mult. Autentificați-vă din nou.
two-factor-already-on = Autentificarea în doi pași este deja activă pentru acest cont.
two-factor-no-enrolment = Nicio configurare nu așteaptă un cod. Deschideți din nou pagina autentificării în doi pași.
two-factor-required = Rolul dumneavoastră dă acces la datele cazurilor, așa că autentificarea cere un al doilea factor. Configurați-l acum pentru a continua.
two-factor-optional = Pentru rolurile dumneavoastră autentificarea în doi pași este opțională, dar recomandată: o parolă furată nu vă mai deschide singură contul.
two-factor-step-scan = 1. Scanați acest cod cu o aplicație de autentificare (de exemplu Aegis, FreeOTP sau Google Authenticator) sau introduceți în ea cheia de mai jos.
two-factor-qr-label = Codul QR al cheii, pentru aplicația de autentificare
two-factor-key = Cheie
two-factor-open-app = Deschide într-o aplicație de autentificare de pe acest dispozitiv
two-factor-step-confirm = 2. Introduceți codul de șase cifre afișat acum de aplicație
two-factor-confirm = Activează autentificarea în doi pași
two-factor-on-since = Activă din { $since }.
two-factor-codes-left = { $count ->
        [one] A rămas un cod de recuperare.
        [few] Au rămas { $count } coduri de recuperare.
       *[other] Au rămas { $count } de coduri de recuperare.
    }
two-factor-renew = Coduri noi de recuperare
two-factor-renew-intro = Codurile noi de recuperare le înlocuiesc pe toate cele vechi. Introduceți un cod din aplicație pentru a le primi.
two-factor-lost = Ați pierdut telefonul? Un administrator vă poate reseta autentificarea în doi pași; apoi o configurați din nou.
two-factor-codes-title = Codurile dumneavoastră de recuperare
two-factor-codes-intro = Fiecare cod vă autentifică o singură dată când nu aveți telefonul la îndemână. Notați-le sau tipăriți-le și păstrați-le departe de telefon: nu mai sunt afișate.
two-factor-continue = Continuă
account-two-factor-off = Inactivă.
account-two-factor-manage = Setările autentificării în doi pași
user-two-factor = Doi pași
user-two-factor-on = activă
user-two-factor-off = inactivă
user-two-factor-reset = Resetează
token-needs-two-factor = { $login } trebuie să configureze autentificarea în doi pași înainte de a primi un jeton API: jurisdicția o cere rolurilor contului.

## Evaluarea riscurilor și a nevoilor speciale (mnir.md §8)
risk-title = Evaluarea riscurilor și a nevoilor speciale
risk-intro = O evaluare standardizată, repetată la fiecare contact și la fiecare eveniment al cazului: întâi întrebările urgente, apoi fiecare domeniu evaluat după cât de grav ar fi prejudiciul și cât de probabil este. Fiecare salvare este o versiune nouă; versiunile anterioare rămân. Acestea sunt înregistrări de asistență: anchetatorii nu le văd.
risk-urgent-title = Nevoi urgente:
risk-urgent-banner = { $needs }. Rămân afișate până când o măsură de protecție a planului sau o trimitere le răspunde.
risk-to-review = Cazul a avansat de la ultima evaluare completă (un pas sau o trimitere acceptată): evaluați-l din nou.
risk-first-contact = Primul contact: întrebări urgente
risk-first-contact-hint = Puneți aceste întrebări la primul contact. Orice „da” afișează o alertă de urgență pe caz și în căsuța organizației dumneavoastră.
risk-first-contact-save = Înregistrați întrebările urgente
risk-yes = Da
risk-no = Nu
risk-note = Observație
risk-full = Evaluarea completă
risk-full-hint = Evaluați fiecare domeniu după gravitate și probabilitate. Nivelul este gravitate × probabilitate: 1–2 scăzut, 3–4 mediu, 6–9 ridicat; nivelul general este cel al domeniului cel mai ridicat. Reevaluarea este datorată la 30 de zile după un nivel ridicat, la 90 după unul mediu și la 180 după unul scăzut.
risk-full-save = Salvați evaluarea
risk-severity = Gravitate
risk-likelihood = Probabilitate
risk-level-label = Nivel
risk-level-unrated = încă neevaluat
risk-level-live = { $score } — { $level }
risk-versions = Versiuni
risk-no-versions = Nu a fost înregistrată încă nicio evaluare.
risk-overall = Nivel general
risk-domain = Domeniu
risk-score = Scor
risk-change = Față de evaluarea completă anterioară
risk-open = Deschideți evaluarea
risk-panel-level = Nivel general { $level } (versiunea { $version }, { $at }).
risk-panel-first-contact-only = Întrebări urgente puse la { $at }; încă nicio evaluare completă.
risk-panel-none = Încă nicio evaluare.
risk-panel-review = Reevaluare datorată până la { $due }.
risk-panel-versions = { $count ->
    [one] o versiune
    [few] { $count } versiuni
   *[other] { $count } de versiuni
}
risk-version-title = Versiunea { $version }: { $kind }, { $at }, de { $who } ({ $org })
risk-version-title-org = Versiunea { $version }: { $kind }, { $at }, de { $org }
risk-version-dropped = Nu mai sunt evaluate: { $domains }.
risk-urgent-answered-referral = Nevoi urgente răspunse printr-o trimitere la { $at }.
risk-urgent-answered-again = Nevoi urgente întrebate din nou la { $at } (vedeți versiunea următoare).
risk-urgent-answered-ended = Cazul s-a încheiat la { $at }: nevoile urgente s-au închis odată cu el.
risk-urgent-still-open = Nevoi urgente încă fără răspuns.
risk-not-due = Nu se poate înregistra nicio evaluare pe un caz aflat în starea { $state }.
risk-read-only = Rolul dumneavoastră citește evaluările, dar nu le înregistrează.
risk-note-too-long = Observația are { $length } de caractere; se păstrează cel mult { $max }.
risk-urgent-unknown = Nu există întrebarea urgentă { $code }.
risk-urgent-not-for-adult = Această întrebare se pune doar unui copil sau unei persoane a cărei vârstă nu este cunoscută.
risk-urgent-answer-required = Răspundeți cu da sau nu.
risk-domain-unknown = Nu există domeniul de evaluare { $code }.
risk-rating-out-of-range = Alegeți { $part } de la 1 la 3.
risk-domain-required = Evaluați acest domeniu.
risk-domain-not-for-adult = Domeniul specific copiilor se evaluează doar pentru un copil sau o persoană a cărei vârstă nu este cunoscută.
risk-kind-invalid = Tipul evaluării trebuie să fie first_contact, full sau return.
risk-return-not-due = Evaluarea riscurilor returnării se înregistrează pentru o victimă prezumată sau identificată ori aflată în asistență, înainte de returnare; acest caz este în starea { $state }.
risk-partner-required = Indicați partenerul din țara de returnare împreună cu care s-a făcut evaluarea.
risk-partner-unknown = Nu există în registru o organizație cu codul { $code }.
risk-partner-return-only = Doar evaluarea unei returnări indică un partener din țara de returnare.
risk-domain-return-only = Familia de acasă se evaluează doar în evaluarea unei returnări.
risk-first-contact-not-due = Întrebările urgente se înregistrează pe un caz deschis; acesta este în starea { $state }.
risk-full-not-due = Evaluarea completă se înregistrează de la constatarea de victimă prezumată; acest caz este în starea { $state }.
risk-first-contact-no-domains = Primul contact nu evaluează domenii: înregistrați evaluarea completă.
riskkind-first_contact = primul contact
riskkind-full = evaluare completă
riskkind-return = evaluarea returnării
riskpart-severity = gravitatea
riskpart-likelihood = probabilitatea
risklevel-low = scăzut
risklevel-medium = mediu
risklevel-high = ridicat
riskseverity-1 = 1 — prejudiciu minor
riskseverity-2 = 2 — prejudiciu serios
riskseverity-3 = 3 — prejudiciu grav
risklikelihood-1 = 1 — puțin probabil
risklikelihood-2 = 2 — posibil
risklikelihood-3 = 3 — probabil
riskmove-up = mai ridicat
riskmove-down = mai scăzut
riskmove-same = neschimbat
riskmove-new = evaluat acum prima dată
riskmove-dropped = nu mai este evaluat
riskdomain-personal_safety = Siguranța persoanei
riskdomain-family_safety = Siguranța familiei și a persoanelor în întreținere
riskdomain-family_at_home = Amenințări la adresa familiei de acasă
riskdomain-re_trafficking = Re-traficarea
riskdomain-physical_health = Sănătatea fizică
riskdomain-mental_health = Sănătatea mintală
riskdomain-legal_situation = Situația juridică
riskdomain-housing_livelihood = Locuința și mijloacele de trai
riskdomain-child_specific = Nevoi specifice copilului
riskdomain-hint-personal_safety = Influența traficanților, amenințările, dacă știu unde se află persoana.
riskdomain-hint-family_safety = Amenințări la adresa membrilor familiei și a persoanelor în întreținere, acasă sau în străinătate.
riskdomain-hint-family_at_home = Ce așteaptă familia în țara de returnare: traficanți care știu unde locuiește, datorii cerute familiei, presiuni ca persoana să se întoarcă la ei.
riskdomain-hint-re_trafficking = Datorii, întoarcerea în același mediu, un recrutor în familie.
riskdomain-hint-physical_health = Răni, sarcină, boli cronice, consum de substanțe.
riskdomain-hint-mental_health = Traumă, risc de suicid.
riskdomain-hint-legal_situation = Documente, dreptul de ședere, proceduri în curs, riscul de a fi pedepsită.
riskdomain-hint-housing_livelihood = Un loc sigur de locuit, venit, muncă.
riskdomain-hint-child_specific = Tutela, școlarizarea, căutarea familiei, prezumția de minoritate.
urgent-urgent_medical_need = Nevoie medicală urgentă
urgent-immediate_violence = Pericol imediat de violență
urgent-re_trafficking_danger = Pericol de re-traficare
urgent-child_without_carer = Un copil fără îngrijitor
denial-firewall = Înregistrările de asistență nu sunt arătate unui organ de anchetă; acesta vede rezumatul pentru anchetă.
denial-no-disclosure = Nicio dezvăluire în vigoare nu acoperă aceste înregistrări de asistență pentru organizația dumneavoastră.
inbox-urgent = Nevoi urgente
inbox-urgent-more = Peste { $count } de cazuri au nevoi urgente fără răspuns; sunt listate cele { $count } care așteaptă de cel mai mult timp.
inbox-urgent-count = { $count ->
    [0] Niciun caz nu are nevoi urgente fără răspuns.
    [one] Un caz are nevoi urgente fără răspuns.
    [few] { $count } cazuri au nevoi urgente fără răspuns.
   *[other] { $count } de cazuri au nevoi urgente fără răspuns.
}

## Planul de siguranță și sprijin și serviciile prestate (mnir.md §8–§9)
plan-title = Planul de siguranță și sprijin
plan-intro = Planul individual stabilit cu persoana după evaluarea completă: măsurile de protecție, serviciile de sprijin și data revizuirii. Fiecare salvare este o versiune nouă, tipărită pentru a fi confirmată de persoană și de evaluator. Sunt înregistrări de sprijin: anchetatorii nu le văd.
plan-open = Deschide planul de siguranță și sprijin
plan-none = Nu a fost întocmit încă niciun plan.
plan-drafted-from = Întocmit pe baza evaluării complete, versiunea { $version } (nivel general { $level }).
plan-needs-assessment = Planul se întocmește pe baza unei evaluări complete a riscului: înregistrați mai întâi una.
plan-not-due = Planul se ține de la constatarea de victimă prezumată încolo; acest caz este { $state }.
plan-read-only = Rolul dumneavoastră citește planul, dar nu îl modifică.
plan-new-version = Întocmește o versiune nouă
plan-new-version-hint = Bifați fiecare măsură și serviciu din plan. Prima versiune pornește de la ce cere ultima evaluare; următoarele, de la versiunea anterioară.
plan-save = Salvează această versiune
plan-review-on = Revizuire la
plan-review-on-hint = După ziua de azi și în cel mult un an; pornește de la termenul de revizuire al evaluării.
plan-measures = Măsuri de protecție
plan-services = Servicii de sprijin
plan-responsible = Cine o aplică
plan-due-on = Până la
plan-detail = În ce constă
plan-shelter-address = Adresa confidențială a adăpostului
plan-shelter-address-hint = O văd doar managerii de caz ai cazului. Lăsați câmpul gol pentru a păstra adresa deja înregistrată.
plan-shelter-address-hidden = Adresa adăpostului este înregistrată și se arată doar managerilor de caz ai cazului.
plan-provider = Furnizor
plan-provider-none = Nu este o organizație a mecanismului
plan-objectives = Obiective
plan-action-plan = Plan de acțiune
plan-planned-end = Încheiere planificată
plan-actual-end = Încheiere efectivă
plan-status = Stare
plan-refer = Trimite pentru acest serviciu
plan-version-title = Versiunea { $version }, { $at }, de { $who } ({ $org })
plan-version-title-org = Versiunea { $version }, { $at }, de { $org }
plan-review-line = Revizuire la { $day }.
plan-no-measures = Nicio măsură de protecție.
plan-no-services = Niciun serviciu de sprijin.
plan-measure-line = { $measure }: { $who }, până la { $day }.
plan-service-line = { $service } ({ $status }): încheiere planificată { $planned }.
plan-service-ended = Încheiat la { $day }.
plan-acknowledgements = Confirmări
plan-ack-none = Neconfirmat încă.
plan-ack-line = { $party }: { $way } la { $day } (înregistrat de { $who }).
plan-ack-line-witness = { $party }: { $way } la { $day }, martor { $witness } (înregistrat de { $who }).
plan-ack-line-unnamed = { $party }: { $way } la { $day }.
plan-ack-line-witness-unnamed = { $party }: { $way } la { $day }, martor { $witness }.
plan-ack-record = Înregistrează o confirmare a versiunii { $version }
plan-ack-party = Cine
plan-ack-way = Cum
plan-ack-on = La data
plan-ack-witness = Martor (pentru o confirmare verbală)
plan-ack-save = Înregistrează confirmarea
plan-deliveries = Servicii prestate
plan-deliveries-none = Niciun serviciu nu a fost prestat încă.
plan-delivery-line = { $day }: { $service }, de { $provider }.
plan-delivery-record = Înregistrează un serviciu prestat
plan-delivery-type = Serviciu
plan-delivered-on = Prestat la
plan-provider-other = Sau un furnizor din afara mecanismului
plan-outcome = Rezultat
plan-delivery-save = Înregistrează serviciul
plan-promised-delivered = { $service }: { $count ->
    [0] nimic prestat încă
    [one] prestat o dată
   *[other] prestat de { $count } ori
}, ultima dată la { $day }.
plan-promised-none = { $service }: nimic prestat încă.
plan-print = Tipărire pentru semnare
plan-print-ro = PDF în română
plan-print-en = PDF în engleză
plan-pdf-subtitle = Cazul { $reference } · versiunea { $version } întocmită la { $day }
plan-pdf-person = Persoana: { $name }
plan-pdf-shelter = Adresa confidențială: { $address }
plan-pdf-acknowledge = Prin semnare, persoana și evaluatorul confirmă că au stabilit împreună acest plan; persoana poate cere oricând revizuirea lui.
plan-pdf-sign-person = Semnătura persoanei și data
plan-pdf-sign-assessor = Semnătura evaluatorului și data
plan-pdf-sign-assessor-named = Semnătura evaluatorului ({ $who }) și data
plan-pdf-confidential = Confidențial: înregistrare de asistență
plan-pdf-page = pagina { $n } din { $total }
plan-pdf-lang-unknown = Planul se tipărește în română (ro) sau în engleză (en).
plan-text-too-long = Textul are { $length } caractere; sunt permise cel mult { $max }.
plan-date-required = Indicați ziua.
plan-date-invalid = Indicați ziua în forma AAAA-LL-ZZ.
plan-date-too-early = Ziua este cu mai mult de un an în urmă.
plan-date-too-late = Ziua este la mai mult de cinci ani de acum.
plan-provider-unknown = Nu există organizația { $code }.
plan-measure-unknown = Nu există măsura de protecție { $code }.
plan-service-unknown = Nu există serviciul de sprijin { $code }.
plan-service-unknown-type = Alegeți unul dintre serviciile planului.
plan-line-twice = Fiecare măsură și fiecare serviciu apare o singură dată într-un plan.
plan-responsible-required = Spuneți cine aplică măsura.
plan-other-detail-required = Spuneți în ce constă cealaltă măsură.
plan-address-only-shelter = Adresa aparține doar adăpostului confidențial.
plan-objectives-required = Indicați obiectivele serviciului.
plan-status-invalid = Starea este planificat, în curs, încheiat sau anulat.
plan-actual-end-future = Încheierea efectivă nu poate fi în viitor.
plan-actual-end-required = Un serviciu încheiat sau anulat are ziua în care s-a încheiat.
plan-actual-end-not-ended = Un serviciu încă planificat sau în curs nu are încheiere efectivă.
plan-review-not-future = Revizuirea cade după ziua de azi.
plan-review-too-far = Revizuirea cade în cel mult un an.
plan-empty = Un plan stabilește cel puțin o măsură de protecție sau un serviciu de sprijin.
plan-party-invalid = Alegeți persoana sau evaluatorul.
plan-way-invalid = Alegeți semnat pe hârtie sau verbal, în fața unui martor.
plan-ack-future = Confirmarea nu poate fi în viitor.
plan-ack-before-draft = Confirmarea nu poate preceda întocmirea versiunii.
plan-ack-witness-required = Numiți martorul confirmării verbale.
plan-ack-already = Această versiune a fost deja confirmată de { $party }.
plan-delivery-no-plan = Serviciile se prestează pe baza unui plan: întocmiți mai întâi unul.
plan-delivery-not-planned = Ultimul plan nu prevede acest serviciu.
plan-delivered-future = Ziua prestării nu poate fi în viitor.
plan-provider-one = Alegeți organizația care l-a prestat sau numiți un furnizor din afara mecanismului (una dintre cele două).
risk-urgent-answered-plan = Nevoile urgente au primit răspuns printr-o măsură de protecție a planului la { $at }.
measure-confidential_shelter = Adăpost la adresă confidențială
measure-police_protection = Protecție din partea poliției
measure-witness_protection = Protecția martorilor
measure-phone_change = Schimbarea numărului de telefon
measure-escort = Însoțire
measure-other = Altă măsură
support-education = Educație
support-financial = Financiar
support-health = Sănătate
support-labour_exploitation_rehabilitation = Reabilitare după exploatare prin muncă
support-legal = Juridic
support-livelihood = Mijloace de trai
support-rights_based_training = Instruire privind drepturile
support-sexual_exploitation_rehabilitation = Reabilitare după exploatare sexuală
support-social_care = Asistență socială
servicestatus-planned = planificat
servicestatus-in_progress = în curs
servicestatus-completed = încheiat
servicestatus-cancelled = anulat
planparty-person = persoana
planparty-assessor = evaluatorul
planway-signed_on_paper = semnat pe hârtie
planway-verbal_with_witness = verbal, în fața unui martor

## Componenta penală, rezumatul pentru anchetă și dezvăluirile (mnir.md §9)
justice-title = Componenta penală
justice-open = Componenta penală și rezumatul pentru anchetă
justice-intro = Participarea persoanei la procedurile penale, alături de asistență și niciodată o condiție a ei. Poliția, procurorii și inspectorii văd această pagină și nimic din înregistrările de asistență, în afara celor pe care o dezvăluire le lasă să ajungă la ei.
justice-summary = Rezumat pentru anchetă
justice-reference = Număr de referință
justice-state = Stare
justice-trafficking-status = Statut privind traficul
justice-contact = Organizația de contact
justice-contact-none = nicio organizație înregistrată
justice-read-only = Rolul dumneavoastră citește componenta penală, dar nu o modifică.
justice-read-only-disclosed = Organizația dumneavoastră citește acest caz printr-o dezvăluire: rezumatul și înregistrările pe care le acoperă, nimic altceva.
justice-choose = Alegeți…
justice-flags = Nepedepsire
justice-flags-hint = Infracțiuni pe care persoana a fost constrânsă să le comită ca urmare a traficului. Poliția și procurorii le văd aici.
justice-flags-none = Nicio infracțiune înregistrată.
justice-flag-line = { $offence } (înregistrată de { $who } la { $at }).
justice-flag-line-file = { $offence }, în dosarul { $file } (înregistrată de { $who } la { $at }).
justice-flag-record = Înregistrați o infracțiune pe care persoana a fost constrânsă să o comită
justice-offence = Infracțiunea
justice-flag-proceeding = Procedura la care se referă
justice-flag-no-proceeding = Niciuna înregistrată aici
justice-flag-save = Înregistrați infracțiunea
justice-proceedings = Proceduri
justice-proceedings-none = Nicio procedură înregistrată.
justice-proceeding-title = Dosarul { $file }
justice-proceeding-new = Înregistrați o procedură
justice-proceeding-save = Înregistrați procedura
justice-proceeding-update = Actualizați această procedură
justice-proceeding-update-save = Salvați modificările
justice-standing = Calitatea persoanei
justice-file-number = Număr de dosar
justice-office = Parchetul
justice-court = Instanța
justice-opened-on = Începută la
justice-outcome = Soluția
justice-outcome-on = Data soluției
justice-measures = Măsuri de protecție dispuse
justice-standing-line = Calitate: { $standing }.
justice-office-line = { $office }, începută la { $day }.
justice-court-line = Instanța: { $court }.
justice-outcome-line = Soluția: { $outcome }.
justice-outcome-line-on = Soluția: { $outcome } la { $day }.
justice-no-measures = Nicio măsură de protecție dispusă.
justice-measures-line = Dispuse: { $measures }.
justice-recorded-line = Înregistrată de { $who } ({ $org }).
justice-hearings = Audieri
justice-hearings-none = Nicio audiere înregistrată.
justice-hearing-line = { $day }: { $kind }.
justice-hearing-line-note = { $day }: { $kind }. { $note }
justice-hearing-on = Data
justice-hearing-kind = Tipul
justice-hearing-note = Notă
justice-hearing-save = Înregistrați audierea
justice-disclosed-title = Dezvăluite organizației dumneavoastră ({ $basis }), până la { $until }
justice-disclosed-assessment = Evaluarea versiunea { $version } ({ $kind }), { $at }, de { $who }
justice-disclosed-plan = Planul versiunea { $version }, revizuire la { $review }
justice-disclosed-empty = Nimic înregistrat încă.
justice-not-kept = Componenta penală nu se ține pentru un caz în starea { $state }.
justice-code-unknown = { $code } nu este una dintre variante.
justice-code-twice = Fiecare variantă apare o singură dată.
justice-file-required = Dați numărul de dosar.
justice-office-required = Dați parchetul.
justice-opened-future = O procedură nu poate începe în viitor.
justice-outcome-date-required = O soluție definitivă are data ei.
justice-outcome-date-future = Data soluției nu poate fi în viitor.
justice-outcome-date-not-final = Doar o soluție definitivă (clasare, condamnare, achitare) are o dată.
justice-outcome-before-opened = Soluția nu poate fi anterioară începerii procedurii.
justice-date-too-early = Data este cu mai mult de zece ani în urmă.
justice-date-too-late = Data este cu mai mult de doi ani înainte.
justice-choose-one = Alegeți una dintre variante.
justice-fixed-field = Numărul de dosar și data începerii procedurii rămân cele înregistrate prima dată.
justice-hearing-before-opened = O audiere nu poate fi anterioară începerii procedurii.
disclosure-until-after-consent = Consimțământul pe care se sprijină expiră înainte de acea zi.
justice-nothing-changed = Nu s-a modificat nimic.
justice-offence-required = Numiți infracțiunea.
justice-proceeding-unknown = Această procedură nu aparține cazului.
standing-injured_party = persoană vătămată
standing-witness = martor
standing-injured_party_and_witness = persoană vătămată și martor
standing-none = niciuna
outcome-pending = în curs
outcome-sent_to_trial = trimis în judecată
outcome-dismissed = clasare
outcome-conviction = condamnare
outcome-acquittal = achitare
ordered-witness_protection = protecția martorului
ordered-protected_identity = identitate protejată
ordered-remote_hearing = audiere prin videoconferință
ordered-restraining_order = ordin de protecție
ordered-other = altă măsură
hearing-statement = declarație
hearing-court_hearing = termen de judecată
hearing-confrontation = confruntare
hearing-other = altele
htcdsstatus-PossibleVictimOfTrafficking = posibilă victimă a traficului
htcdsstatus-ActualVictimOfTrafficking = victimă a traficului
htcdsstatus-NotAVictimOfTrafficking = nu este victimă a traficului
basis-consent = consimțământul persoanei
basis-prosecutor_order = ordonanța procurorului
disclosed-risk_assessments = Evaluări de risc
disclosed-plan = Planul de siguranță și sprijin și serviciile furnizate
disclosurestatus-in_force = În vigoare.
disclosurestatus-ended = Încetată.
disclosurestatus-lapsed = Expirată.
disclosurestatus-consent_ended = Încetată odată cu consimțământul.
disclosure-title = Dezvăluiri ale înregistrărilor de asistență
disclosure-intro = Înregistrările de asistență ies din compartimentul lor doar cu consimțământul persoanei pentru comunicarea către un organ de anchetă numit sau prin ordonanța procurorului. Fiecare dezvăluire arată ce acoperă, pentru cine și până când, și este jurnalizată.
disclosure-register = Registru
disclosure-none = Nicio dezvăluire înregistrată.
disclosure-line = { $records } către { $to }, pe baza { $basis }, până la { $until } (înregistrată la { $at }).
disclosure-basis-consent-line = consimțământului persoanei
disclosure-basis-order-line = ordonanței { $number } din { $day }, { $office }
disclosure-recorded-by = Înregistrată de { $who }.
disclosure-ended-by = Încetată de { $who } la { $at }.
disclosure-end = Încetați acum această dezvăluire
disclosure-record = Înregistrați o dezvăluire
disclosure-record-hint = Adresa confidențială a adăpostului nu este dezvăluită niciodată.
disclosure-recipient = Către
disclosure-records = Ce acoperă
disclosure-records-hint = Planul include serviciile furnizate.
disclosure-basis = Temeiul
disclosure-order-number = Numărul ordonanței
disclosure-order-on = Data ordonanței
disclosure-order-office = Parchetul care a dispus-o
disclosure-consent = Consimțământ pentru comunicarea către poliție
disclosure-no-consent = Niciun consimțământ pentru comunicarea către poliție nu este în vigoare
disclosure-consent-option = Consimțământ pentru { $to }, dat la { $at }
disclosure-until = Până la (inclusiv)
disclosure-until-hint = De azi, în cel mult un an.
disclosure-save = Înregistrați dezvăluirea
disclosure-recipient-required = Alegeți organul de anchetă căruia i se face.
disclosure-recipient-not-investigating = Înregistrările de asistență se dezvăluie doar unui organ de anchetă.
disclosure-consent-not-covering = Alegeți un consimțământ în vigoare pentru comunicarea către acest organ.
disclosure-consent-not-order = O dezvăluire prin ordonanță nu se sprijină pe un consimțământ.
disclosure-order-not-consent = O dezvăluire pe baza consimțământului nu are ordonanță.
disclosure-order-number-required = Dați numărul ordonanței.
disclosure-order-office-required = Dați parchetul care a dispus-o.
disclosure-order-future = O ordonanță nu poate fi datată în viitor.
disclosure-records-required = Alegeți ce acoperă dezvăluirea.
disclosure-until-past = Ultima zi nu poate fi înainte de azi.
disclosure-until-too-late = O dezvăluire durează cel mult un an.
disclosure-ended-already = Această dezvăluire a încetat deja.
disclosure-register-title = Registrul dezvăluirilor
disclosure-register-national = Toate dezvăluirile de înregistrări de asistență din mecanism, cele mai noi întâi.
disclosure-register-cases-of = Dezvăluirile înregistrărilor de asistență ale cazurilor { $org }, cele mai noi întâi.
disclosure-register-made-to = Dezvăluirile de înregistrări de asistență către { $org }, cele mai noi întâi.
disclosure-register-pages = Paginile registrului
disclosure-register-first = Prima pagină
disclosure-register-next = Pagina următoare
disclosure-register-bad-place = Această pagină a registrului nu există: întoarceți-vă la prima pagină.

## Statistica națională (mnir.md §11)
nav-statistics = Statistici
stat-title = Statistica națională
stat-filters = Ce cifre
stat-year = Anul de referință
stat-region = Regiunea de dezvoltare
stat-region-all = România, toate regiunile
stat-view = Varianta
stat-view-internal = internă (cifre exacte)
stat-view-published = pentru publicare (cu protecția datelor)
stat-view-unknown = Această variantă a statisticilor nu există: alegeți internă sau pentru publicare.
stat-show = Afișează
stat-note-internal = Cifre exacte, pentru activitatea mecanismului: nu le publicați. Fiecare consultare este înregistrată în jurnalul de audit.
stat-note-published = Cifre pentru publicare: o cifră de la 1 la { $below } este ascunsă (marcată c), împreună cu cifrele care ar permite calcularea ei din totaluri. O victimă este numărată în anul primei decizii prin care a devenit victimă prezumată sau identificată. O cifră a referirilor sau a perioadelor de reflecție care privesc între 1 și { $below } persoane este ascunsă, oricât de mare ar fi.
stat-all-tables = Toate tabelele acestui an
stat-contents = Tabele
stat-total = Total
stat-hidden-mark = c
stat-hidden = Ascunsă: o cifră între 1 și { $below } sau una din care o astfel de cifră ar putea fi calculată
stat-caption = { $title }, { $year }, { $region }: { $view }
stat-chart-desc = O bară pentru fiecare categorie ({ $columns }) în cadrul fiecărei categorii ({ $rows }); aceleași cifre sunt în tabelul de lângă grafic.
stat-download-csv = Descarcă CSV
stat-download-xlsx = Descarcă XLSX
stat-download-workbook = Aceste tabele într-un singur registru (XLSX)
stat-download-table-workbook = Acest tabel într-un registru (XLSX)
stat-workbook-title = Victimele traficului de persoane: cifrele anului { $year }
stat-report = Raportul anual
stat-report-ro = PDF în română
stat-report-en = PDF în engleză
stat-report-lang-unknown = Raportul se tipărește în română (ro) sau în engleză (en).
stat-report-title = Victimele traficului de persoane: statistici naționale pentru anul { $year }
stat-doc-about = Anul de referință { $year } · { $region } · { $view } · întocmit la { $day }
stat-method = Metodă
stat-method-counting = O victimă este numărată o singură dată, în anul primei decizii prin care a devenit victimă prezumată sau identificată, după ora locală. Un caz despre care s-a stabilit până la sfârșitul anului că nu privește o victimă sau că dublează alt caz nu este numărat; ce se află după sfârșitul anului nu îi mai schimbă cifrele. O victimă a mai multor forme de exploatare este numărată o singură dată, după forma principală înregistrată, astfel încât fiecare tabel se însumează la totalurile sale.
stat-method-disclosure = Controlul dezvăluirii: nicio cifră publicată, inclusiv totalurile, nu este între 1 și { $below }. O astfel de cifră este ascunsă, împreună cu celelalte cifre din care ar putea fi dedusă. Înainte de publicare, modelul este verificat prin rezolvarea ecuațiilor fiecărui tabel, astfel încât nicio cifră ascunsă să nu poată fi aflată exact sau dovedită a fi sub { $k }. O cifră ascunsă este marcată „{ $mark }”. Zerourile sunt publicate.
stat-notes-sheet = Note
stat-open-alone = Deschide doar acest tabel
stat-table-victims-by-sex-age-group = Victime după sex și grupă de vârstă
stat-table-victims-by-exploitation-sex = Victime după forma de exploatare și sex
stat-table-victims-by-age-band-sex = Victime după intervalul de vârstă și sex
stat-table-victims-by-citizenship-sex = Victime după cetățenie și sex
stat-table-victims-by-status-sex = Victime după statut și sex
stat-table-victims-by-region-exploitation = Victime după regiunea de dezvoltare și forma de exploatare
stat-dimension-sex = Sex
stat-dimension-age_group = Grupa de vârstă
stat-dimension-age_band = Intervalul de vârstă
stat-dimension-citizenship_group = Cetățenia
stat-dimension-exploitation = Forma de exploatare
stat-dimension-status = Statutul
stat-dimension-region = Regiunea de dezvoltare
stat-category-sex-female = Feminin
stat-category-sex-male = Masculin
stat-category-sex-other_unknown = Altul sau necunoscut
stat-category-age_group-child = Copil
stat-category-age_group-adult = Adult
stat-category-age_group-unknown = Vârstă necunoscută
stat-category-age_band-under_12 = Sub 12 ani
stat-category-age_band-12_17 = 12–17 ani
stat-category-age_band-18_24 = 18–24 ani
stat-category-age_band-25_34 = 25–34 ani
stat-category-age_band-35_44 = 35–44 ani
stat-category-age_band-45_plus = 45 de ani și peste
stat-category-age_band-child_age_unknown = Copil, vârsta exactă necunoscută
stat-category-age_band-adult_age_unknown = Adult, vârsta exactă necunoscută
stat-category-age_band-unknown = Grupa de vârstă necunoscută
stat-category-citizenship_group-national = Română
stat-category-citizenship_group-other_eu = Alt stat UE
stat-category-citizenship_group-non_eu = Din afara UE
stat-category-citizenship_group-unknown = Necunoscută sau apatrid
stat-category-exploitation-sexual = Sexuală
stat-category-exploitation-labour = Prin muncă
stat-category-exploitation-begging = Cerșetorie
stat-category-exploitation-criminality = Infracționalitate forțată
stat-category-exploitation-other = Alta
stat-category-exploitation-unknown = Neînregistrată încă
stat-category-status-presumed = Victimă prezumată
stat-category-status-identified = Victimă identificată
stat-category-region-unknown = Regiune necunoscută
stat-table-victims-by-scope-exploitation = Victime după traficul intern sau internațional și forma de exploatare
stat-table-victims-by-recruitment-region-sex = Victime după regiunea de recrutare și sex
stat-table-victims-by-exploitation-area-sex = Victime după locul exploatării și sex
stat-table-victims-by-settlement-sex = Victime după mediul de proveniență și sex
stat-table-victims-by-education-sex = Victime după nivelul de educație și sex
stat-table-victims-by-recruitment-method-sex = Victime după modalitatea de recrutare și sex
stat-table-victims-by-relationship-sex = Victime după relația cu traficantul și sex
stat-table-victims-by-identification-time-sex = Victime după timpul de la notificare la identificare și sex
stat-table-victims-by-assistance-sex = Victime asistate, după sex
stat-table-victims-by-return-scope = Victime returnate, trafic intern sau internațional
stat-dimension-scope = Traficul
stat-dimension-recruitment_region = Regiunea de recrutare
stat-dimension-exploitation_area = Locul exploatării
stat-dimension-settlement = Mediul de proveniență
stat-dimension-education = Educație
stat-dimension-recruitment_method = Modalitatea de recrutare
stat-dimension-relationship = Relația cu traficantul
stat-dimension-identification_time = Timpul de la notificare la identificare
stat-days-summary = Mediana: { $median ->
    [one] o zi
    [few] { $median } zile
   *[other] { $median } de zile
}; percentila a 90-a: { $p90 ->
    [one] o zi
    [few] { $p90 } zile
   *[other] { $p90 } de zile
} ({ $identified ->
    [one] o victimă identificată
    [few] { $identified } victime identificate
   *[other] { $identified } de victime identificate
} până la sfârșitul anului).
stat-days-summary-published = Mediana: { $median ->
    [one] o zi
    [few] { $median } zile
   *[other] { $median } de zile
}; percentila a 90-a: { $p90 ->
    [one] o zi
    [few] { $p90 } zile
   *[other] { $p90 } de zile
}.
stat-days-not-published = Mediana și percentila a 90-a nu se publică pentru acest tabel.
stat-days-none = Nicio victimă nu a fost identificată până la sfârșitul anului sau niciuna la o dată cunoscută.
stat-dimension-assistance = Asistență
stat-dimension-return = Returnare
stat-category-scope-internal = Intern
stat-category-scope-international = Internațional
stat-category-scope-unknown = Neînregistrat încă
stat-category-recruitment_region-abroad = În străinătate
stat-category-recruitment_region-unknown = Neînregistrată încă
stat-category-exploitation_area-in_country = În țară
stat-category-exploitation_area-other_eu = Altă țară din UE
stat-category-exploitation_area-non_eu = În afara UE
stat-category-exploitation_area-unknown = Neînregistrat încă
stat-category-settlement-urban = Urban
stat-category-settlement-rural = Rural
stat-category-settlement-unknown = Neînregistrat încă
stat-category-education-primary_or_less = Primar sau mai puțin
stat-category-education-lower_secondary = Gimnazial
stat-category-education-upper_secondary = Liceal sau postliceal
stat-category-education-tertiary = Superior
stat-category-education-unknown = Neînregistrat încă
stat-category-recruitment_method-acquaintances = Prin prieteni sau familie
stat-category-recruitment_method-online = Online
stat-category-recruitment_method-media = Anunț în presă sau la televizor
stat-category-recruitment_method-workplace = La muncă, la școală sau într-o afacere
stat-category-recruitment_method-other = Altă modalitate
stat-category-recruitment_method-unknown = Neînregistrată încă
stat-category-relationship-family = Membru al familiei
stat-category-relationship-acquainted = O cunoștință
stat-category-relationship-stranger = Un necunoscut
stat-category-relationship-unknown = Neînregistrată încă
stat-category-identification_time-within_30_days = În cel mult 30 de zile
stat-category-identification_time-31_90_days = Între 31 și 90 de zile
stat-category-identification_time-91_180_days = Între 91 și 180 de zile
stat-category-identification_time-over_180_days = Peste 180 de zile
stat-category-identification_time-time_not_known = Identificată, data necunoscută (importată)
stat-category-identification_time-not_identified = Neidentificată până la sfârșitul anului
stat-category-assistance-assisted = Asistată
stat-category-assistance-not_assisted = Neasistată până la sfârșitul anului
stat-category-return-returned = Returnată
stat-category-return-not_returned = Nereturnată până la sfârșitul anului
stat-table-victims-by-referral-sex = Victime referite către altă organizație, după sex
stat-dimension-referral = Referire
stat-category-referral-referred = Referită
stat-category-referral-not_referred = Nereferită până la sfârșitul anului
stat-table-referrals-by-service-answer = Referiri trimise, după serviciul cerut și răspuns
stat-table-reflection-periods-by-outcome-citizenship = Perioade de reflecție oferite, după rezultat și cetățenie
stat-dimension-referral_answer = Răspuns
stat-dimension-service = Serviciu
stat-dimension-reflection_outcome = Rezultat
stat-category-referral_answer-accepted_in_time = Acceptată la timp
stat-category-referral_answer-accepted_late = Acceptată cu întârziere
stat-category-referral_answer-declined_in_time = Refuzată la timp
stat-category-referral_answer-declined_late = Refuzată cu întârziere
stat-category-referral_answer-not_answered = Fără răspuns până la sfârșitul anului
stat-category-service-accommodation = Cazare
stat-category-service-medical = Îngrijire medicală
stat-category-service-psychological = Consiliere psihologică
stat-category-service-legal = Asistență juridică
stat-category-service-social = Asistență socială
stat-category-service-education = Educație și formare profesională
stat-category-service-reintegration = Reintegrare
stat-category-service-protection = Protecție
stat-category-service-investigation = Investigație
stat-category-service-repatriation = Repatriere
stat-category-service-follow_up = Monitorizare
stat-category-service-other = Alt serviciu
stat-category-reflection_outcome-declined = Ofertă refuzată
stat-category-reflection_outcome-running = În curs la sfârșitul anului
stat-category-reflection_outcome-residence = Încheiată: drept de ședere acordat
stat-category-reflection_outcome-return = Încheiată: returnare voluntară cerută
stat-category-reflection_outcome-other = Încheiată altfel
stat-category-reflection_outcome-term_ended = Durata întreagă epuizată
stat-category-reflection_outcome-stopped = Oprită odată cu cazul
stat-method-units = Două tabele numără munca mecanismului, nu persoane. Referirile sunt numărate în anul în care au fost trimise; un răspuns este la timp dacă a venit înainte de expirarea termenului de răspuns al referirii (72 de ore sau 24 pentru o referire urgentă, dacă profilul jurisdicției nu prevede altfel). Perioadele de reflecție sunt numărate în anul în care au fost oferite, cu ce se întâmplase cu ele până la sfârșitul anului. O persoană poate avea mai multe referiri, deci aceste tabele nu se însumează la numărul victimelor, iar o cifră a lor care privește prea puține persoane este ascunsă la publicare, oricât de mare ar fi.
statistics-year-out-of-range = Anul trebuie să fie între { $first } și { $last }.
statistics-region-unknown = Nu există regiunea de dezvoltare { $region }.
statistics-table-unknown = Nu există tabelul statistic { $name }.
statistics-published-complete-years = Cifrele pentru publicare sunt doar pentru ani încheiați: { $last } sau mai devreme.
statistics-published-national-only = Cifrele pentru publicare sunt naționale: regiunile sunt publicate în tabelul pe regiuni de dezvoltare. Alegeți varianta internă pentru cifrele unei regiuni.

# Profilul victimei (câmpurile standardului HTCDS despre victimă și exploatare).
victim-title = Profilul victimei
victim-intro = Ce a spus persoana sau ce arată cazul despre felul în care a fost traficată: câmpurile standard ale Human Trafficking Case Data Standard, folosite pentru statistica națională. Înregistrați ce se știe; lăsați restul necompletat.
victim-open = Profilul victimei
victim-recorded = Înregistrat ultima dată la { $at } de { $org }.
victim-international = Recrutată într-o țară și exploatată în alta: un caz internațional.
victim-internal = Recrutată și exploatată în aceeași țară: un caz intern.
victim-save = Salvează profilul
victim-place-county = județul { $county }
victim-place-counties = Județele României
victim-place-countries = Alte țări
victim-citizenship-n = Cetățenia { $n }
victim-field-unknown = Formularul a trimis un câmp pe care nu îl are: { $name }.
victim-field-citizenship = Cetățenie
victim-field-exploitation_types = Forme de exploatare
victim-field-sex_exploitation_types = Forme de exploatare sexuală
victim-field-forced_labour_industry = Domeniul muncii forțate
victim-field-recruitment_methods = Cum a fost recrutată persoana
victim-field-control_methods = Cum a fost controlată persoana
victim-field-relationship_to_trafficker = Relația cu traficantul
victim-field-education = Cel mai înalt nivel de educație
victim-field-recruitment_place = Locul recrutării
victim-field-exploitation_place = Locul exploatării
victim-field-settlement = Mediul de proveniență (urban sau rural)
victim-field-age_when_trafficked = Vârsta la momentul traficării
victim-hint-citizenship = Toate cetățeniile persoanei, întâi cea după care este cunoscută.
victim-hint-exploitation_types = Toate formele pe care le-a suferit persoana.
victim-hint-sex_exploitation_types = Doar împreună cu exploatarea sexuală.
victim-hint-forced_labour_industry = Doar împreună cu munca forțată, munca copiilor sau servitutea: domeniul în care persoana a fost pusă să muncească.
victim-hint-recruitment_methods = Toate modalitățile care se potrivesc.
victim-hint-control_methods = Toate modalitățile care se potrivesc.
victim-hint-relationship_to_trafficker = Cine a recrutat sau a exploatat persoana.
victim-hint-education = Cel mai înalt nivel absolvit.
victim-hint-recruitment_place = Un județ al României sau o altă țară.
victim-hint-exploitation_place = Un județ al României sau o altă țară.
victim-hint-settlement = Unde locuia persoana înainte de recrutare.
victim-hint-age_when_trafficked = În ani împliniți, de la 0 la 120; lăsați necompletat dacă nu se știe.
victim-profile-state = Profilul victimei se înregistrează după ce persoana este victimă prezumată; cazul este acum: { $state }.
victim-profile-unknown-value = „{ $value }” nu este una dintre valorile acestui câmp.
victim-profile-one-only = Alegeți o singură valoare.
victim-profile-age = Scrieți vârsta ca număr întreg între 0 și 120.
victim-profile-industry = Domeniul se înregistrează pentru muncă forțată, munca copiilor sau servitute: alegeți una dintre ele printre formele de exploatare.
victim-profile-sex-types = Formele de exploatare sexuală cer exploatarea sexuală printre formele de exploatare.

## Schimb de date în HTCDS 2.0: export pentru parteneri, extras de date deschise, import
htcds-legal-required = Numiți destinatarul și temeiul legal în baza căruia primește nume și date de naștere.
htcds-legal-too-long = Scrieți cel mult { $max } de caractere.
htcds-not-utf8 = Fișierul nu este nici registru XLSX, nici text CSV în UTF-8 (ilizibil de la octetul { $offset }).
htcds-unreadable = Fișierul nu poate fi citit: { $detail }
htcds-too-large = Fișierul depășește { $size }.
htcds-empty = Fișierul nu are niciun rând.
htcds-unknown-column = „{ $name }” nu este un câmp HTCDS 2.0.
htcds-repeated-column = Coloana „{ $name }” apare de două ori.
htcds-missing-column = Coloana { $name } este obligatorie.
htcds-missing = Obligatoriu și necompletat.
htcds-unknown-value = „{ $value }” nu este una dintre valorile acestui câmp.
htcds-bad-date = „{ $value }” nu este o dată scrisă AAAA-LL-ZZ.
htcds-bad-age = „{ $value }” nu este o vârstă între 0 și 120.
htcds-one-only = Acest câmp admite o singură valoare.
htcds-no-such-state = Un caz cu statutul { $status } și starea { $case_status } nu are o stare în mecanism: mecanismul închide numai cazurile victimelor identificate.
htcds-bad-reference = Referința „{ $value }” are alte caractere decât litere, cifre și - _ / . sau mai mult de { $max } de caractere.
htcds-repeated-reference = Referința „{ $value }” apare și pe un rând anterior al fișierului.
htcds-unknown-organisation = Registrul de organizații nu are organizația „{ $value }”.
htcds-no-county = Județul cazului nu poate fi stabilit: organizația nu este una județeană și niciun loc nu este un județ. Indicați județul în care se înregistrează asemenea cazuri.
htcds-inconsistent = Acest detaliu cere forma sa de exploatare printre tipurile de exploatare.
htcds-born-after-notification = Data nașterii este după data notificării.
htcds-row-too-long = Rândul are { $cells } celule, antetul { $columns } coloane.
htcds-numbered-row = „{ $value }” este un număr de rând, cum îl scrie modelul standardului: puneți în prima coloană referința cazului din sistemul din care provine.
htcds-bad-name = Un nume are cel mult { $max } de caractere și niciun caracter de control.
htcds-future-date = Data este după ziua de azi.
htcds-too-many-cells = Rândul { $row } are mai mult de { $max } de celule.
htcds-too-many-rows = Fișierul are mai mult de { $max } de rânduri: importați-l pe părți.
htcds-no-rows = Fișierul are antet, dar niciun rând.
htcds-imported-meanwhile = Un alt import a salvat între timp una dintre aceste referințe; nimic din acest fișier nu a fost salvat. Rulați-l din nou pentru a importa restul.
nav-exchange = Schimb de date
exchange-title = Schimb de date (HTCDS)
exchange-intro = Registrul în Standardul de date privind cazurile de trafic de persoane (HTCDS) 2.0: exportat pentru un partener sau pentru publicare și importat dintr-un alt sistem. Fiecare export și import se înscrie în jurnalul de audit.
exchange-export-heading = Export
exchange-export-intro = Un rând pentru fiecare caz (fără duplicate), cu referința în prima coloană; fiecare altă coloană este un câmp al standardului și fiecare valoare una dintre valorile sale; mai multe valori sunt unite cu „;”.
exchange-kind-legend = Ce se exportă
exchange-kind-cases = Cazuri, fără nume
exchange-kind-cases-hint = Referințe, sex, cetățenii, forme și locuri de exploatare, statute.
exchange-kind-identifying = Cazuri cu nume și date de naștere
exchange-kind-identifying-hint = Numai pentru un destinatar cu temei legal, ambele înscrise în jurnalul de audit.
exchange-kind-open_data = Extras de date deschise
exchange-kind-open_data-hint = Victime după an, sex, vârstă, grup de cetățenie și formă de exploatare, fiecare combinație comună cel puțin pentru k victime; fără referințe.
exchange-recipient = Destinatar
exchange-recipient-hint = Pentru nume și date de naștere: organizația care le primește.
exchange-legal-basis = Temei legal
exchange-legal-basis-hint = Pentru nume și date de naștere: legea, acordul sau decizia pe baza cărora se transmit.
exchange-format-legend = Formatul fișierului
exchange-format-csv = CSV (UTF-8)
exchange-format-xlsx = Registru Excel (XLSX)
exchange-export-submit = Descărcați exportul
exchange-import-heading = Import
exchange-import-intro = Cazuri dintr-un fișier HTCDS al altui sistem: toate sau, dacă vreun rând are o problemă, niciunul. Un rând a cărui referință este deja în registru este lăsat neschimbat, astfel că importul repetat al unui fișier nu salvează nimic de două ori.
exchange-file = Fișierul
exchange-file-hint = CSV în UTF-8 sau registru Excel (foaia „Case Sheet” sau prima), cu antetul pe primul rând.
exchange-county = Județul cazurilor care nu indică niciun județ
exchange-county-hint = HTCDS nu are un câmp pentru locul în care a fost găsită persoana. Un caz se înregistrează în județul organizației sale, altfel în cel al locului de exploatare sau de recrutare; în lipsa lor, în acesta.
exchange-county-none = Niciunul: raportați aceste rânduri ca probleme
exchange-dry-run = Numai verificați fișierul (probă)
exchange-dry-run-hint = Fiecare rând este verificat și raportat; nu se salvează nimic.
exchange-import-submit = Importați
exchange-file-missing = Alegeți fișierul de importat.
exchange-report-heading = Raportul importului
exchange-report-refused = { $problems ->
    [one] O problemă
    [few] { $problems } probleme
   *[other] { $problems } de probleme
} în { $rows ->
    [one] un rând
    [few] { $rows } rânduri
   *[other] { $rows } de rânduri
}: nu s-a salvat nimic. Corectați fișierul și importați-l din nou.
exchange-report-stored = { $count ->
    [one] A fost importat un caz nou
    [few] Au fost importate { $count } cazuri noi
   *[other] Au fost importate { $count } de cazuri noi
} din { $rows ->
    [one] un rând
    [few] { $rows } rânduri
   *[other] { $rows } de rânduri
}.
exchange-report-dry = Probă: { $rows ->
    [one] un rând citit
    [few] { $rows } rânduri citite
   *[other] { $rows } de rânduri citite
} fără probleme; { $count ->
    [one] unul ar fi importat
    [few] { $count } cazuri ar fi importate
   *[other] { $count } de cazuri ar fi importate
}. Nu s-a salvat nimic.
exchange-report-nothing = Nimic de importat: { $rows ->
    [one] rândul este
    [few] toate cele { $rows } rânduri sunt
   *[other] toate cele { $rows } de rânduri sunt
} deja în registru.
exchange-report-present = { $count ->
    [one] Un rând numește un caz aflat
    [few] { $count } rânduri numesc cazuri aflate
   *[other] { $count } de rânduri numesc cazuri aflate
} deja în registru; au fost lăsate neschimbate.
exchange-report-ignored = Câmpuri ale standardului pe care mnir nu le păstrează, omise: { $columns }.
exchange-problems-caption = Probleme pe rânduri și câmpuri
exchange-col-row = Rând
exchange-col-column = Câmp
exchange-col-problem = Problemă
exchange-whole-file = Fișierul
exchange-reference-column = (referință)

## Returnarea voluntară asistată (mnir.md §10)
repatriation-step-request = cererea
repatriation-step-risk_assessment = evaluarea riscurilor returnării
repatriation-step-travel_documents = documentele de călătorie
repatriation-step-fit_to_travel = aptitudinea de a călători și însoțirea
repatriation-step-travel = călătoria
repatriation-step-reception = primirea
repatriation-step-reintegration_plan = planul de reintegrare
repatriation-step-follow_up = monitorizarea și închiderea
repatriation-guard-no_consent = Consimțământul persoanei pentru returnare (scopul: returnarea voluntară asistată acasă) nu este în vigoare: înregistrați-l înaintea acestui pas.
repatriation-guard-no_return_risk_assessment = Călătoria are nevoie de o evaluare a riscurilor returnării înregistrată după ce persoana a cerut să plece.
repatriation-guard-reflection_period_running = Perioada de reflecție este în curs: nimeni nu călătorește cât durează, decât dacă persoana o încheie cerând returnarea.
repatriation-guard-approval_required = Returnarea a fost evaluată cu risc ridicat: un supervizor trebuie să aprobe mai întâi călătoria.
repatriation-guard-previous_step_not_done = Pașii se încheie în ordine: încheiați mai întâi pasul dinaintea acestuia.
repatriation-guard-procedure_cancelled = Persoana a renunțat și procedura a fost anulată; istoricul ei rămâne, dar nu se mai înregistrează nimic.
repatriation-guard-travel_done = Persoana a călătorit deja: nu mai poate renunța la returnare, iar pașii care au dus la călătorie (și primirea, odată încheiată) rămân cum sunt.
repatriation-not-due = O returnare se organizează pentru o victimă prezumată sau identificată ori aflată în asistență; acest caz este în starea { $state }.
repatriation-direction-invalid = Alegeți direcția: spre România sau din România.
repatriation-direction-citizenship = Direcția nu se potrivește cu cetățenia persoanei: un cetățean român se întoarce în România, un cetățean străin pleacă din România.
repatriation-partner-required = Indicați organizația parteneră.
repatriation-partner-unknown = Nu există în registru o organizație cu codul { $code }.
repatriation-country-invalid = { $code } nu este codul ISO al altei țări (două litere, de exemplu MD sau IT).
repatriation-already-open = Acest caz are deja o returnare în curs; retrageți-o înainte de a deschide alta.
repatriation-text-too-long = Cel mult { $most } de caractere.
repatriation-state-invalid = Alegeți starea pasului: în așteptare, în curs, încheiat sau blocat.
repatriation-date-future = Data nu poate fi în viitor.
repatriation-date-invalid = Scrieți data ca AAAA-LL-ZZ.
repatriation-date-required = Un pas încheiat are nevoie de data la care s-a petrecut.
repatriation-blocked-reason = Spuneți în notă ce blochează pasul.
repatriation-documents-too-many = Cel mult { $most } documente la un pas.
repatriation-document-kind-invalid = Alegeți tipul documentului: titlu de călătorie, pașaport, certificat medical sau bilet.
repatriation-document-number-invalid = Scrieți numărul documentului, cel mult { $most } de caractere.
repatriation-detail-unknown = Pasul „{ $step }” nu înregistrează așa ceva.
repatriation-escort-invalid = Alegeți însoțirea: fără, medicală, asistent social sau poliție.
repatriation-step-unknown = Nu există un asemenea pas al unei returnări.
repatriation-changed = Altcineva a modificat între timp această returnare: citiți-o din nou și decideți din nou.
repatriation-withdraw-reason = Spuneți cum a renunțat persoana.
repatriation-guard-step_already_done = Acest pas este deja încheiat.
repatriation-guard-later_step_done = Pasul următor este încheiat: acesta nu mai poate fi dat înapoi.
repatriation-guard-previous_step_not_started = Începeți mai întâi pasul dinaintea acestuia.
repatriation-guard-approval_not_needed = Doar o returnare evaluată cu risc ridicat are nevoie de aprobarea unui supervizor; ultima evaluare a acestei returnări nu a găsit un asemenea risc.
repatriation-responsible-required = Un pas încheiat indică organizația și persoana responsabile.
