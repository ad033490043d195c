# mnir — English messages. Every id here must also exist in ro/main.ftl (a test checks).

app-name = National Identification and Referral Mechanism
app-short = MNIR
lang-self = English
footer-text = MNIR — identification and referral of victims of trafficking. Every access to case data is recorded.
yes = yes
no = no

nav-skip = Skip to content
nav-label = Main menu
nav-dashboard = Dashboard
nav-cases = Cases
nav-notify = Screening and notification
nav-reference = Reference
nav-admin = Administration
nav-account = My account
nav-logout = Sign out

login-title = Sign in
login-intro = Sign in with the account your organisation gave you.
login-login = User name
login-password = Password
login-submit = Sign in
login-failed = The user name or the password is wrong.
login-locked = Too many failed attempts for this account. Wait 15 minutes and try again, or ask your administrator.
login-throttled = Too many sign-in attempts from this device. Wait a few minutes and try again.
login-logged-out = You have signed out.

dashboard-title = Dashboard
dashboard-greeting = Signed in as { $login }, { $org }.
dashboard-roles = Your roles
dashboard-counts = Cases you can see, by state
dashboard-national = national view, names hidden
dashboard-no-cases = There are no cases for you to see yet.
dashboard-actions = What you can do
dashboard-open-cases = Open the list of cases
dashboard-note-screener = As a front-line worker you notify potential victims and see the notifications you made. Do not ask the person to tell their story.
dashboard-note-case_worker = As a case worker you handle the cases routed to your organisation.
dashboard-note-identification_officer = As an identification officer you take the formal identification decisions your organisation is authorised to take.
dashboard-note-supervisor = As a supervisor you approve closures and reopen cases of your organisation.
dashboard-note-coordinator = As a coordinator you see the national case figures with names hidden.
dashboard-note-investigator = As an investigator you see the cases routed to your organisation, without support notes.
dashboard-note-trainer = As a trainer you prepare front-line workers; the reference pages show the signals and routing they learn.
dashboard-note-admin = As an administrator you manage accounts and organisations. By design, this role gives no access to case content.

cases-title = Cases
cases-count = { $count ->
    [one] { $count } case
   *[other] { $count } cases
}
cases-page = Page { $page } of { $pages }
cases-pages = Pages
cases-prev = Previous page
cases-next = Next page
cases-filter = Filter cases
cases-filter-apply = Apply filters
cases-any = Any
cases-bad-filter = The filter is not valid: choose a state and a county from the lists, and a page number from 1 up.
cases-national-note = National coordination view: names and notes are hidden.

case-title = Case
case-reference = Reference
case-name = Name
case-state = State
case-sex = Sex
case-age-group = Age
case-county = County where found
case-citizenship = Citizenship
case-exploitation = Suspected form of exploitation
case-notified-at = Notified on
case-updated-at = Last change
case-notifying-org = Notified by
case-given-name = Given name
case-family-name = Family name
case-birth-date = Date of birth
case-notes = Notes
case-signals = Signals observed
case-no-signals = No signals were recorded.
case-no-notes = No notes.
case-person = The person
case-identity-hidden = Names and date of birth are hidden: your role does not need them.
case-notes-hidden = Notes are hidden: your role does not need them.
case-next-steps = Next steps
case-no-steps = There is no step you can take on this case now.
case-steps-not-yours = Steps you cannot take
case-move-to = Move to: { $state }
case-reason-for = Reason for moving to “{ $state }” (kept in the history)
case-routing = Organisations that can see this case
case-history = History

transition-reason-required = Write the reason for this step.
transition-reason-too-long = The reason can have at most 2000 characters.
transition-stale = Someone changed this case meanwhile; it is now “{ $state }”. Check the history and try again.
transition-unknown-state = That step does not exist.

notify-title = Front-line screening and notification
notify-intro = Record what you saw. Do not ask the person to tell their story: specialists will talk with them. The notification goes to the ANITP regional centre for the county and, for a child or a person of unknown age, to the county's child-protection directorate.
notify-person = The person
notify-birth-date-hint = As year-month-day, e.g. 2008-03-21. Leave empty if not known.
notify-signals = What you observed
notify-signals-hint = Tick every sign you saw yourself. Signs marked “key” are enough alone to notify.
notify-context = Context
notify-notes-hint = Where and how you met the person, and anything urgent (medical needs, danger).
notify-submit = Send the notification
form-has-errors = The notification was not sent. Please correct:
form-choose = Choose…
form-not-known = Not known
citizenship-unknown = Not known
signal-key-short = key

field-name-required = Enter a given name or a family name (a name the person uses is enough).
field-name-too-long = A name can have at most 100 characters.
field-birth-date-format = Write the date of birth as year-month-day, e.g. 2008-03-21.
field-birth-date-future = The date of birth cannot be in the future.
field-birth-date-too-old = The date of birth cannot be before 1900.
field-sex-invalid = Choose one of the options for sex.
field-citizenship-invalid = Choose a citizenship from the list.
field-county-invalid = Choose the county where the person was found.
field-signal-unknown = The signal “{ $code }” does not exist.
field-exploitation-invalid = Choose a form of exploitation from the list.
field-notes-too-long = The notes can have at most 5000 characters.
field-state-invalid = This is not a case state.
field-page-invalid = Pages start at 1 and hold 1 to 200 cases.

account-title = Change password
account-current = Current password
account-new = New password
account-new-hint = At least 12 characters. A few unrelated words are easy to remember and hard to guess.
account-confirm = New password again
account-submit = Change password
account-wrong-current = The current password is wrong.
account-too-short = The new password must have at least 12 characters.
account-mismatch = The two new passwords differ.
account-changed = Your password was changed. Sign in with the new one.

admin-users-title = Accounts
admin-orgs-title = Organisations
admin-audit-title = Audit log
admin-audit-recent = Latest entries
admin-no-case-access = Administrators manage accounts and organisations; they do not see case content.
admin-users-cli = Accounts are created on the server with
users-count = { $count ->
    [one] { $count } account
   *[other] { $count } accounts
}
orgs-count = { $count ->
    [one] { $count } organisation
   *[other] { $count } organisations
}
user-login = User name
user-roles = Roles
user-status = Status
user-active = active
user-inactive = disabled
user-locked = locked after failed sign-ins
org-code = Code
org-name = Name
org-type = Type
org-county = County
org-identifies = Identification decisions
org-active = Active
audit-intact = The audit chain is intact: { $count } entries verified.
audit-broken = The audit chain is broken at entry { $seq }: { $why }
audit-at = Time
audit-actor = User
audit-action = Action
audit-target = Subject
audit-detail = Detail

reference-signals-title = Front-line signals
reference-signals-intro = The signs a trained front-line worker looks for. A key sign alone, or any two signs, suggest notifying a potential victim.
reference-routing-title = Routing by county
reference-routing-intro = Where a notification goes: the ANITP regional centre covering the county, and for a child the county's child-protection directorate (DGASPC).
routing-centre = ANITP regional centre
routing-child-protection = Child protection
signal-code = Code
signal-label = Signal
signal-key = Key
signal-applies = Applies to
applies-all = everyone
applies-child = children

error-not-found-title = Not found
error-not-found = This page does not exist, or you are not allowed to see it.
error-forbidden-title = Not allowed
error-bad-request-title = Request not understood
error-internal-title = Something went wrong
error-internal = The request could not be completed. Nothing was changed. Try again; if it happens again, tell your administrator.
error-csrf = The form expired or did not come from this site. Reload the page and try again.
error-back-dashboard = Back to the dashboard
error-api-unauthorized = A valid API token is required (Authorization: Bearer …).
error-invalid = Some fields are not valid.
error-json = The request body is not valid JSON: { $detail }

denial-role-missing = This needs one of the roles: { $roles }.
denial-transition = A case cannot go from “{ $from }” to “{ $to }”.
denial-no-identification-power = Your organisation is not authorised to take identification decisions.
denial-children-only = Your organisation takes identification decisions for children only; this person is an adult.

state-notified = notified
state-potential_victim = potential victim
state-presumed_victim = presumed victim
state-identified_victim = identified victim
state-not_a_victim = not a victim
state-in_assistance = in assistance
state-returned = returned
state-declined_assistance = declined assistance
state-closed = closed
state-duplicate = duplicate

sex-female = female
sex-male = male
sex-other = other
sex-unknown = not known

age-child = child
age-adult = adult
age-unknown = age not known

exploitation-sexual = sexual exploitation
exploitation-labour = labour exploitation
exploitation-begging = forced begging
exploitation-criminality = forced criminality
exploitation-other = other

role-screener = front-line worker
role-case_worker = case worker
role-identification_officer = identification officer
role-supervisor = supervisor
role-coordinator = coordinator
role-investigator = investigator
role-trainer = trainer
role-admin = administrator

basis-notifier = made the notification
basis-regional_centre = ANITP regional centre for the county
basis-child_protection = child protection for the county

orgtype-NGO = NGO
orgtype-LawEnforcement = law enforcement
orgtype-HealthServiceOrganisation = health service
orgtype-CentralGovernmentOrganisation = central government
orgtype-LocalGovernmentOrganisation = local government
orgtype-ImmigrationService = immigration service
orgtype-LegalService = legal service
orgtype-CorporateBusiness = business
orgtype-SchoolOrCollege = school or college

identify-none = no
identify-children_only = children only
identify-all = yes

dimension-deceptive_recruitment = deceptive recruitment
dimension-coercive_recruitment = coercive recruitment
dimension-vulnerability_recruitment = recruitment by abuse of vulnerability
dimension-exploitative_conditions = exploitative conditions
dimension-coercion_destination = coercion at destination
dimension-vulnerability_destination = abuse of vulnerability at destination
clause-a = two strong indicators
clause-b = one strong indicator and one medium or weak
clause-c = three medium indicators
clause-d = two medium indicators and one weak
weight-strong = strong
weight-medium = medium
weight-weak = weak
element-means_recruitment = means at recruitment
element-exploitation = exploitation
element-means_destination = means at destination
element-act = the act
expl-dimension-positive = The dimension “{ $dimension }” is positive by rule ({ $clause }): { $rule }. Counted: { $indicators }.
expl-dimension-short = The dimension “{ $dimension }” is not positive: { $indicators } are not enough.
expl-dimension-none = The dimension “{ $dimension }”: no indicator present.
expl-elements-adult = Means at recruitment: { $recruitment }; exploitation: { $exploitation }; means at destination: { $destination }.
expl-elements-child = An act (recruitment, transport, transfer, harbouring or receipt): { $act }; exploitation: { $exploitation }. For a child the means are not required.
expl-not-recorded = not recorded
expl-aggravating = Positive means dimensions are recorded as aggravating evidence.
expl-outcome-indicated-adult = Result: trafficking is indicated — all three elements are present.
expl-outcome-indicated-child = Result: trafficking is indicated — an act and exploitation are present.
expl-outcome-not = Result: not indicated; missing: { $missing }.
expl-outcome-insufficient = Result: insufficient information — only { $asked } of { $total } indicators were asked (at least half are needed); missing: { $missing }.
expl-advice = This is advice: the identification officer decides and records the reasons.

nav-identification = Indicator catalogues
case-interview-link = Identification interview
interview-title = Identification interview
interview-intro = Mark each indicator of the profile as present, absent or not asked, with a short note on the evidence. Saving shows each dimension's state and the engine's advice; earlier answers are kept.
interview-result = Engine's advice
interview-catalogue = Indicator catalogue
interview-profile = Profile
interview-profile-label = Profile of the interview
interview-profile-hint = Adult or child by age; use a child profile while the age is uncertain.
interview-change-profile = Show this profile's indicators
interview-act = Was there an act (recruitment, transport, transfer, harbouring or receipt)?
interview-evidence = Evidence for
interview-save = Evaluate and save
interview-dimension-positive = positive by rule ({ $clause })
interview-dimension-negative = not positive ({ $count } present)
interview-dimension-pending = not evaluated yet
interview-saved-at = Saved on { $at }, with catalogue { $version }.
interview-bad-profile = Choose one of the four profiles.
interview-bad-catalogue = The indicator catalogue of this form no longer exists; reload the page.
mark-present = present
mark-absent = absent
mark-not-asked = not asked
profile-adult-labour = adult, labour exploitation
profile-adult-sexual = adult, sexual exploitation
profile-child-labour = child, labour exploitation
profile-child-sexual = child, sexual exploitation
outcome-indicated = trafficking indicated
outcome-not_indicated = not indicated
outcome-insufficient_information = insufficient information
decision-title = Identification decision
decision-advice = The engine's latest advice: { $outcome }. It is advice; you decide.
decision-no-interview = No identification interview has been saved yet; the decision will have no engine advice.
decision-label = Decision
decision-reasons = Reasons for the decision
decision-why-different = Why the decision differs from the advice
decision-why-different-hint = Required when you decide otherwise than the engine's advice.
decision-submit = Record the decision
decision-choose = Choose one of the decisions offered.
decision-reasons-required = Write the reasons for the decision.
decision-why-different-required = Your decision differs from the engine's advice: say why.
catalogues-title = Indicator catalogues
catalogues-intro = Each interview keeps the catalogue version it used. A new version, loaded here, is used by new interviews once activated.
catalogue-version = Version
catalogue-indicators = Indicators
catalogue-imported-at = Loaded
catalogue-state = State
catalogue-active = active
catalogue-activate = Activate
catalogue-import = Load a new version
catalogue-invalid = The catalogue was not loaded. Correct these rows and fields:
catalogue-line = Line
catalogue-field = Field
catalogue-problem = Problem
catalogue-csv = Catalogue (CSV)
catalogue-csv-hint = Columns: code, dimension, adult_labour, child_labour, adult_sexual, child_sexual, label_en, label_ro; weights S, M, W or - (not in the profile).
catalogue-submit = Check and load
catalogue-builtin = shipped with mnir
catalogue-imported = The new catalogue version was loaded. Activate it to use it in new interviews.
catalogue-activated = The catalogue version is now active.
catalogue-version-exists = Version { $version } already exists; choose a new version name.
dashboard-decisions = { $count ->
    [one] { $count } identification decision
   *[other] { $count } identification decisions
}, { $differing } different from the engine's advice.
screening-check = Check the signals
screening-title = Screening result
screening-suggested-key = Notification suggested: “{ $signal }” is a key signal.
screening-suggested-several = Notification suggested: { $count } signals observed.
screening-not-suggested = Notification not suggested by the signals ({ $count } observed). You can still notify if you have other reasons (a tip, the person asks for help).
field-indicator-unknown = Unknown indicator code “{ $code }”.
field-indicator-not-in-profile = Indicator “{ $code }” is not part of the { $profile } profile.

nav-inbox = Inbox
inbox-title = Inbox
inbox-tasks = Tasks from expired clocks
inbox-no-tasks = No open tasks.
inbox-since = Due since
inbox-done = Mark as done
inbox-upcoming = Deadlines in the next 7 days
inbox-no-upcoming = No deadlines in the next 7 days.
case-clocks = Legal clocks
clock-name = Clock
clock-due = Due
clock-left-title = Time left
clock-no-due = paused, no due time
clock-left = { $span } left
clock-overdue = overdue by { $span }
clock-span-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
} { $hours } h
clock-span-hours = { $hours } h { $minutes } min
clock-pause = Pause
clock-resume = Resume
clock-reason = Why the clock is paused
clock-reason-required = Write why the clock is paused (at most 1000 characters).
clock-changed = The clock changed meanwhile; reload the case.
task-what = { $task } ({ $clock } ran out)
clock-notification_ack = acknowledgement of the notification
clock-identification_interview = identification interview
clock-reflection_period = reflection period
clock-referral_response = answer to a referral
clock-risk_review_high = risk review (high)
clock-risk_review_medium = risk review (medium)
clock-risk_review_low = risk review (low)
clock-assistance_period = assistance period
clock-emergency_compensation = emergency compensation
clockstate-running = running
clockstate-paused = paused
clockstate-stopped = stopped
clockstate-expired = ran out
expiry-escalate_to_regional_supervisor = escalate to the regional centre's supervisor
expiry-task_to_supervisor = task for the supervisor
expiry-decision_on_residence_or_return = decision on residence or return due
expiry-escalate_to_sender_supervisor_and_anitp = escalate to the sender's supervisor and ANITP
expiry-task_to_case_worker = task for the case worker
expiry-review_task = review of the assistance
expiry-task_to_legal_advisor = task for the legal advisor
