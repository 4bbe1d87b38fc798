"""What the demo store's concerns say: calm, believable, non-graphic wording of
the kind a DSL reads every day, kept apart the way a good record keeps it (facts,
the child's own words, what others reported, opinion).

Each :class:`Scenario` is a template: ``{name}`` is the child's first name and
``{they}``/``{They}``/``{them}``/``{their}``/``{Their}`` their pronouns. In
concerns about several children, the text names the others by initials
(``{V}`` victim, ``{P}`` alleged perpetrator, ``{W}`` witness), as a careful
record does. Everything here is fiction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdesk.models.concerns import Decision

#: The pronoun placeholders for a girl, a boy, and several children at once.
PRONOUNS = {
    "Female": {"they": "she", "They": "She", "them": "her", "their": "her", "Their": "Her"},
    "Male": {"they": "he", "They": "He", "them": "him", "their": "his", "Their": "His"},
    "Several": {"they": "they", "They": "They", "them": "them", "their": "their",
                "Their": "Their"},
}

#: Demo tags the school has added to its list.
DEMO_TAGS = ("Attendance", "Parent informed", "Out of school hours", "Online",
             "Reduced timetable")


@dataclass(frozen=True)
class Scenario:
    """One kind of concern, with the review a DSL would plausibly give it.

    ``weight`` is how often it is drawn for pupils without a storyline (0: only in
    storylines); ``girls_only`` marks wording written about a girl.
    """

    key: str
    categories: tuple[str, ...]
    location: str
    facts: str = ""
    child_words: str = ""
    questions: str = ""
    others: str = ""
    others_source: str = ""
    opinion: str = ""
    immediate: str = ""
    decision: Decision = Decision.MONITOR
    reasons: str = ""
    actions: tuple[str, ...] = ()
    outcome: str = ""
    tags: tuple[str, ...] = ()
    weight: int = 1
    girls_only: bool = False
    reporter: tuple[str, str] | None = None
    #: When it happened, where the wording names the time.
    at: tuple[int, int] | None = None
    #: The decision and reasons when this child has had this kind of concern before.
    again: tuple[Decision, str] | None = None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "hungry", ("Neglect",), "Breakfast club",
        at=(8, 40),
        again=(Decision.EARLY_HELP,
               "Hunger again despite breakfast club. Discussed with mum, who agreed to an "
               "Early Help assessment for the family; Early Help lead to look at money and "
               "food. Not a referral: mum engaging and the children are otherwise well cared "
               "for."),
        facts="{name} arrived at 8.40 without a coat in heavy rain and asked for toast at "
              "breakfast club; {they} ate three slices quickly. {Their} shirt was the same "
              "one as yesterday and was marked down the front.",
        child_words="\"There wasn't any bread at home so I didn't have breakfast.\"",
        questions="\"Did you have anything to eat this morning?\"",
        opinion="{name} has looked tired and hungry on several mornings this half term. I "
                "am worried that basic needs are not always being met at home.",
        immediate="Gave {them} breakfast and a spare coat from lost property. Told the DSL "
                  "at 9.00.",
        decision=Decision.MONITOR,
        reasons="First concern of this kind. Mum said money is tight until payday and "
                "accepted a food bank voucher and free breakfast club. Does not meet the "
                "threshold for a referral on its own; monitor and revisit if it recurs.",
        actions=("Add {name} to free breakfast club", "Check in with {name} each Monday"),
        outcome="Attending breakfast club most days; no further signs of hunger reported.",
        weight=3,
    ),
    Scenario(
        "bruise_explained", ("Physical abuse",), "PE changing area",
        again=(Decision.MONITOR,
               "A further mark with a plausible account, on a different site from the "
               "earlier body map. No pattern yet; not a referral. Monitor, and the DSL "
               "reviews the body maps together if there is another."),
        facts="During PE I saw a bruise about 3 cm across on the back of {name}'s upper "
              "left arm, yellow-brown in colour.",
        child_words="\"I fell off my cousin's trampoline on Saturday.\"",
        questions="\"That looks sore. What happened?\"",
        opinion="The explanation fits the mark and {they} gave it readily.",
        immediate="Completed a body map with the school nurse and passed it to the DSL "
                  "before lunch.",
        decision=Decision.NO_FURTHER_ACTION,
        reasons="Single mark with an account given freely that fits the injury; no "
                "earlier concerns about injuries. Dad gave the same account unprompted "
                "when phoned. Threshold for a referral not met, so no referral; no further "
                "action beyond the usual vigilance.",
        outcome="No further marks seen. Closed.",
        weight=3,
    ),
    Scenario(
        "low_mood", ("Mental health",), "Classroom",
        again=(Decision.MONITOR,
               "Mood has dipped again; the counsellor and GP are already involved and have "
               "been updated. Review at the next support meeting."),
        facts="{name} put {their} head on the desk for most of the lesson and did no work, "
              "which is unusual. At the end {they} stayed behind and cried.",
        child_words="\"I just feel rubbish all the time. I can't sleep.\"",
        questions="\"Is something on your mind?\" and \"Would you like to talk to someone?\"",
        opinion="Low mood seems to have been building over several weeks; {their} marks "
                "have dropped.",
        immediate="Walked {them} to the pastoral office and told the Head of Year.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Low mood with no disclosure of harm and no thoughts of hurting "
                "{them}self. Parent contacted and booking a GP appointment. Offer the school "
                "counsellor and review in four weeks; not a referral.",
        actions=("Refer {name} to the school counsellor",
                 "Phone parent after the GP appointment"),
        outcome="Attending weekly counselling; the GP has referred to the wellbeing "
                "service. Mood much improved.",
        weight=3,
    ),
    Scenario(
        "self_harm", ("Self-harm", "Mental health"), "Science lab",
        again=(Decision.PASTORAL_SUPPORT,
               "Further self-harm, no injury needing treatment and no suicidal thoughts "
               "expressed. CAMHS already involved: shared with the clinician the same day "
               "and the safety plan updated with mum."),
        facts="When {name} pushed up {their} sleeves in science I noticed several thin, "
              "healed lines on {their} left forearm.",
        child_words="\"It's old, I don't do it any more. Please don't tell my mum.\"",
        questions="\"Are you hurt at the moment?\" and \"Are you safe?\" I explained that I "
                  "have to pass this on to keep {them} safe.",
        opinion="{They} seemed embarrassed rather than distressed.",
        immediate="Stayed with {them} while the school nurse checked that nothing needed "
                  "treatment; told the DSL straight away.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Historic self-harm, no current injuries, no suicidal thoughts expressed. "
                "Agreed with {name} how mum would be told; mum supportive and taking "
                "{them} to the GP. No indication of harm from others, so not a referral "
                "to children's social care.",
        actions=("School nurse to write a safety plan with {name}",
                 "DSL to phone mum about the GP appointment"),
        outcome="GP referred to CAMHS. Safety plan in place and shared with the Head of Year.",
        weight=2,
    ),
    Scenario(
        "attendance_drop", ("Children absent or missing from education",), "Attendance office",
        again=(Decision.EARLY_HELP,
               "Attendance falling again despite the plan. Raised with the Early Help lead "
               "practitioner; attendance support meeting with the family and the Education "
               "Welfare Officer."),
        facts="{name}'s attendance has fallen to 78% this half term; five absences are "
              "unexplained and calls home have not been answered.",
        others="A home visit on Tuesday got no answer, though a television could be heard "
               "inside.",
        others_source="Attendance officer",
        immediate="Second home visit booked; DSL told.",
        decision=Decision.MONITOR,
        reasons="Pattern of unexplained absence with no contact from home. Joint home visit "
                "with the Education Welfare Officer; if there is still no contact by Friday "
                "the children missing education procedure starts.",
        actions=("Joint home visit with the Education Welfare Officer",),
        outcome="Contact made: mum had been unwell. Attendance plan agreed; attendance back "
                "above 92%.",
        tags=("Attendance",),
        weight=3,
        reporter=("Joanne Fairbairn", "Attendance officer"),
    ),
    Scenario(
        "young_carer", ("Young carer",), "Form room",
        again=(Decision.MONITOR,
               "The young carers service is already involved; shared with them and with the "
               "Early Help lead practitioner, who is reviewing the support mum gets."),
        facts="{name} was late four times this fortnight and has been falling asleep in "
              "lessons.",
        child_words="\"I have to get my little brother ready because mum's not well in the "
                    "mornings. I do the shopping too.\"",
        questions="\"Who helps out at home?\"",
        opinion="{name} seems to be carrying a lot of caring at home.",
        decision=Decision.EARLY_HELP,
        reasons="Caring role is affecting attendance and wellbeing. Mum agreed to an Early "
                "Help assessment and a young carers referral. Mum is engaging and there is "
                "no indication of harm, so not a referral to children's social care.",
        actions=("Refer {name} to Larkfield Young Carers",
                 "Start an Early Help assessment with mum"),
        outcome="Young carers service visiting; {name} goes to their Thursday club. Lates "
                "much reduced.",
        tags=("Attendance",),
        weight=2,
    ),
    Scenario(
        "online_contact", ("Online harm",), "IT room",
        facts="{name} showed me messages on {their} phone from an account {they} did not "
              "know, asking for photos and offering gift cards.",
        child_words="\"He says he's 15 but his profile doesn't look like it. I haven't sent "
                    "anything.\"",
        questions="\"Have you sent anything?\" and \"Have you arranged to meet?\" ({They} "
                  "said no to both.)",
        immediate="Did not look further through the phone or copy anything. Advised {name} "
                  "not to delete the messages. Told the DSL.",
        decision=Decision.POLICE,
        reasons="Possible grooming by an adult online; no images shared and no meeting "
                "arranged. Parent informed and supported to report to CEOP and the police. "
                "No concerns about care at home, so no referral to children's social care.",
        actions=("Support parent to report to CEOP",
                 "Online safety session with {name}"),
        outcome="Police advised blocking and reporting; the account was removed. {name} "
                "knows how to report.",
        tags=("Online", "Parent informed"),
        weight=2,
    ),
    Scenario(
        "encompass", ("Domestic abuse",), "Phone call to school",
        at=(21, 30),
        again=(Decision.MONITOR,
               "A further notification. The social worker is already allocated and has been "
               "told. Continue the weekly check-ins."),
        facts="{name} arrived on time and seemed quiet but settled.",
        others="Police attended {name}'s home last night after a report of an argument "
               "between adults. {name} was in the house at the time.",
        others_source="Police, Operation Encompass notification at 7.55 am",
        immediate="{name}'s key adult checked in at registration. Notification kept to "
                  "those who need to know.",
        decision=Decision.MONITOR,
        reasons="Children are victims of domestic abuse in their own right. {name} seen by "
                "a trusted adult, no disclosure, settled. Police have shared with children's "
                "social care, so no separate referral. Offer support and check in weekly.",
        actions=("Weekly check-in with {name}'s key adult",),
        outcome="No further notifications; {name} uses the check-ins.",
        tags=("Out of school hours",),
        weight=2,
        reporter=("Sam Okafor", "DSL"),
    ),
    Scenario(
        "belittled", ("Emotional abuse",), "Classroom",
        facts="{name} came to me at the end of the lesson and asked to talk.",
        child_words="\"My stepdad calls me stupid all the time and says nobody wants me "
                    "there.\"",
        questions="\"How does that make you feel?\" and \"Does anything else happen at "
                  "home?\" ({They} said no.)",
        opinion="{name} seemed sad and worried but relieved to have said it.",
        decision=Decision.EARLY_HELP,
        reasons="Persistent belittling described; no physical harm disclosed. The MASH "
                "consultation line advised Early Help with consent rather than a referral. "
                "Mum agreed.",
        actions=("Early Help assessment with mum", "Weekly mentoring for {name}"),
        outcome="Early Help plan in place; a family support worker is working with the "
                "household.",
        weight=2,
    ),
    Scenario(
        "name_calling", ("Bullying",), "Library",
        at=(12, 40),
        facts="{name} was in tears in the library at lunch.",
        child_words="\"They keep saying stuff about my hair and my clothes, every day, in "
                    "the lunch queue.\"",
        questions="\"Who is saying these things?\" {They} did not want to name anyone.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Bullying by peers who were not named; dealt with under the anti-bullying "
                "policy. No safeguarding threshold met; Head of Year to monitor.",
        actions=("Head of Year to agree a safe space at lunch with {name}",),
        outcome="Name-calling stopped after a year-group assembly and closer lunch "
                "supervision; {name} says things are better.",
        weight=3,
    ),
    Scenario(
        "online_views", ("Radicalisation (Prevent)",), "History lesson",
        facts="In a lesson on migration {name} repeated several statements blaming one "
              "group of people for crime, using phrases common on extreme online channels.",
        child_words="\"I watch this guy online, he tells the truth nobody else will.\"",
        questions="\"Where did you hear that?\"",
        opinion="{Their} views may be being shaped by online influencers. {name} was open "
                "to discussion.",
        immediate="Challenged the comments calmly in class; told the DSL.",
        decision=Decision.MONITOR,
        reasons="Concerning views but no sign of intent, affiliation or risk to others. "
                "The local Prevent lead agreed a Channel referral is not needed. Work "
                "through PSHE and a mentor conversation; monitor.",
        actions=("Mentor conversation with {name} about online sources",),
        outcome="Further conversations held; no repeat. Closed.",
        tags=("Online",),
    ),
    Scenario(
        "older_boyfriend", ("Child sexual exploitation (CSE)",), "Form room",
        again=(Decision.OTHER,
               "Seen with the same man again after the referral. Passed to the allocated "
               "social worker the same day; she leads and will raise it at the strategy "
               "meeting."),
        others="{name}'s friend is worried because {name} has a new boyfriend who is 19 "
               "and picks her up from the bus stop in a car. {name} has new jewellery and "
               "a phone she says he bought.",
        others_source="A friend of {name}, speaking to the form tutor",
        opinion="The age gap, gifts and secrecy together are a worry.",
        immediate="Thanked the friend and told the DSL the same morning.",
        decision=Decision.REFER_CSC,
        reasons="Several indicators of exploitation: a 19-year-old partner, gifts, secrecy "
                "and late returns home, which mum confirmed. Referred to the MASH by phone "
                "and confirmed in writing; mum informed and agrees.",
        actions=("Confirm the referral in writing within 24 hours",
                 "Chase the MASH for the outcome"),
        outcome="Assessment completed; a specialist exploitation worker is working with "
                "{name}.",
        tags=("Out of school hours",),
        girls_only=True,
    ),
    Scenario(
        "new_things", ("Child criminal exploitation (CCE) / county lines",), "Corridor",
        facts="{name} has come into school with new designer trainers and two phones. {They} "
              "left at lunch and did not come back.",
        others="{name} was seen getting into a car with older teenagers near the station at "
               "about 10 pm on Saturday.",
        others_source="Parent of another pupil, by phone",
        opinion="Several signs of criminal exploitation together.",
        decision=Decision.REFER_CSC,
        reasons="New unexplained money and phones, going missing from school and contact "
                "with older youths: possible criminal exploitation. Referred to the MASH; "
                "information shared with police through the partnership form.",
        actions=("Share information with police on the partnership form",
                 "DSL to attend the strategy meeting"),
        outcome="Exploitation assessment completed; a youth worker is working with {name}.",
        tags=("Out of school hours",),
        weight=0,
    ),
    Scenario(
        "missing_overnight", ("Child criminal exploitation (CCE) / county lines",
                              "Children absent or missing from education"), "School office",
        at=(11, 30),
        facts="{name} arrived at 11.30, tired, with no bag.",
        child_words="\"I was just at a mate's. I don't want to talk about it.\"",
        questions="\"Are you safe now?\" ({They} nodded.)",
        others="{name} did not come home last night and was reported missing to police; "
               "found this morning in another town.",
        others_source="Mum, phone call at 8.15 am",
        decision=Decision.REFER_CSC,
        reasons="A further missing episode with signs of exploitation. Updated the social "
                "worker and asked for a return-home interview; shared with police.",
        actions=("Ask for a return-home interview", "Update the social worker in writing"),
        outcome="Return-home interview completed; plan updated at the core group.",
        tags=("Out of school hours", "Attendance"),
        weight=0,
    ),
    Scenario(
        "parent_in_prison", ("Family member in prison",), "Pastoral office",
        child_words="\"My dad's gone to prison. Mum said not to tell anyone but I wanted you "
                    "to know why I've been angry.\"",
        questions="\"Is there anything that would help at school?\"",
        facts="{name} asked to speak to me during tutor time.",
        opinion="{name} seemed relieved to talk.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="A significant change for {name}, with no indication of harm. Support "
                "through the learning mentor and signpost to support for children of "
                "prisoners; keep confidential. No referral needed.",
        actions=("Learning mentor sessions for {name}",),
        outcome="{name} meets the learning mentor fortnightly and is settled.",
    ),
    Scenario(
        "emergency_housing", ("Homelessness",), "School office",
        facts="{name} arrived 40 minutes late in yesterday's uniform.",
        others="The family have been evicted and are in a hotel room 12 miles away; mum "
               "cannot afford bus fares.",
        others_source="Mum, at the school office",
        decision=Decision.EARLY_HELP,
        reasons="Family homeless and in emergency accommodation; the housing team knows. "
                "Early Help offered and accepted. School to pay for a bus pass and offer "
                "breakfast club.",
        actions=("Arrange a bus pass with the attendance officer",
                 "Early Help assessment with mum"),
        outcome="Family rehoused locally; attendance recovered.",
        tags=("Attendance",),
    ),
    Scenario(
        "mark_on_face", ("Physical abuse",), "Form room",
        at=(8, 45),
        facts="At registration I noticed a red mark on {name}'s left cheek, about the size "
              "of a palm.",
        child_words="\"I don't know, I can't remember.\"",
        questions="\"What happened to your face?\" (Asked once; I did not press.)",
        opinion="{name} was quiet and avoided eye contact, which is unlike {them}.",
        immediate="Told the DSL within ten minutes; the DSL completed a body map. {name} "
                  "stayed in school.",
        decision=Decision.REFER_CSC,
        reasons="Unexplained facial mark and no account. Phoned the MASH. Parents were not "
                "told first, on the MASH's advice, so as not to put {name} at risk (DPA "
                "2018 Sch.1 para 18).",
        actions=("Confirm the referral in writing within 24 hours",
                 "Chase the MASH for the outcome"),
        outcome="Single assessment completed; the family is working with a social worker "
                "under a child in need plan.",
        weight=1,
    ),
    Scenario(
        "unwashed_kit", ("Neglect",), "PE department",
        again=(Decision.EARLY_HELP,
               "Neglect indicators continuing. Mum agreed to Early Help; the family support "
               "worker will look at laundry and money."),
        facts="{name}'s PE kit has not been washed for several weeks and other pupils have "
              "started to comment. {Their} school shoes have a split sole.",
        opinion="This fits a wider picture of low-level neglect.",
        immediate="Gave {name} spare kit privately; told the DSL.",
        decision=Decision.MONITOR,
        reasons="Low-level neglect indicators. Spoke to mum, who accepted the uniform "
                "exchange offer. Monitor; consider Early Help if it continues.",
        actions=("Uniform exchange: shoes and PE kit for {name}",),
        outcome="Kit and shoes provided; no further comments from peers.",
        weight=2,
    ),
    Scenario(
        "trip_abroad", ("Forced marriage", "So-called honour-based abuse"), "Pastoral office",
        facts="{name} asked to speak privately after tutor time.",
        child_words="\"My parents are taking me to see family abroad in the summer and I "
                    "heard them talking about finding me a husband. I don't want to go.\"",
        questions="\"Do you feel safe at home?\" and \"When are you due to travel?\"",
        opinion="{name} was frightened but clear.",
        immediate="Did not contact the family. Told the DSL immediately.",
        decision=Decision.REFER_CSC,
        reasons="Possible forced marriage. In line with guidance the family were not "
                "contacted or told. Referred to the MASH and took advice from the Forced "
                "Marriage Unit; police informed.",
        actions=("Confirm the referral in writing within 24 hours",),
        outcome="Protection order in place; {name} supported by a specialist worker.",
        weight=0,
        girls_only=True,
    ),
    Scenario(
        "uncomfortable_visitor", ("Sexual abuse",), "Learning support base",
        child_words="\"My uncle's friend keeps asking me to keep secrets when he visits and "
                    "to sit with him on my own. I don't like it.\"",
        questions="\"Can you tell me more about that?\" I listened and did not ask anything "
                  "else.",
        facts="{name} told me this while we were doing a reading task.",
        immediate="Told {name} I would need to tell the DSL to help keep {them} safe. "
                  "Passed it on straight away.",
        decision=Decision.REFER_CSC,
        reasons="Disclosure suggesting grooming by an adult visitor to the home. Referred to "
                "the MASH by phone; advised not to inform parents until the strategy "
                "discussion.",
        actions=("Confirm the referral in writing within 24 hours",
                 "DSL to attend the strategy discussion"),
        outcome="Section 47 enquiry completed; safety plan in place at home.",
        weight=0,
    ),
    Scenario(
        "knife_chat", ("Serious violence",), "Head of Year's office",
        facts="Bag search with {name}'s agreement, with two staff present: no weapon found.",
        child_words="\"It was a joke, I'd never bring a knife. Some lads from the estate have "
                    "been following me though.\"",
        questions="\"Why did you write that?\" and \"Who has been following you?\"",
        others="{name} wrote on a group chat that {they} would bring a knife in \"for "
               "protection\".",
        others_source="A pupil, who showed the Head of Year a screenshot",
        decision=Decision.POLICE,
        reasons="No weapon found, but {name} describes feeling threatened by older youths. "
                "Shared with the safer schools police officer; safety plan for travel to "
                "and from school.",
        actions=("Safety plan for {name}'s journey to and from school",),
        outcome="Police spoke with the older youths; {name} feels safer.",
        tags=("Online",),
    ),
    Scenario(
        "gaming_nights", ("Mental health", "Online harm"), "Form room",
        facts="{name} has fallen asleep in two lessons this week and looks pale.",
        child_words="\"I play online till about 3. Everyone does.\"",
        questions="\"What time do you go to sleep?\"",
        decision=Decision.NO_FURTHER_ACTION,
        reasons="Tiredness explained by late-night gaming; parents already aware and have "
                "agreed screen limits. No safeguarding concern, so no further action beyond "
                "pastoral advice.",
        outcome="Parents set screen limits; {name} more alert in lessons.",
        tags=("Online", "Parent informed"),
        weight=2,
    ),
    Scenario(
        "shouting_at_home", ("Domestic abuse", "Emotional abuse"), "Form room",
        facts="{name} was withdrawn in tutor time and had not done {their} homework.",
        child_words="\"Dad was drinking again and shouting at mum all night. I put my "
                    "headphones on.\"",
        questions="\"Are you OK to go home tonight?\" ({They} said yes, mum would be there.)",
        opinion="Sounds like a pattern rather than a single night.",
        decision=Decision.EARLY_HELP,
        reasons="Domestic abuse described, no physical harm to {name}. Spoke to mum "
                "privately; she accepted Early Help and details of the local domestic abuse "
                "service. Not a referral at this point: mum is protective and engaging.",
        actions=("Early Help assessment with mum",
                 "Check in with {name} each week"),
        outcome="Dad has moved out; mum working with the domestic abuse service.",
        tags=("Out of school hours",),
    ),
    Scenario(
        "tired_and_worried_send", ("Emotional abuse",), "Learning support base",
        facts="Over the last two weeks {name} has been more distressed at home time, "
              "refusing to get on the transport and pushing staff away.",
        opinion="This change should not simply be put down to {their} needs; something may "
                "have changed at home or on the transport.",
        immediate="SENDCO and DSL met; home-school diary note to mum.",
        decision=Decision.MONITOR,
        reasons="Change in behaviour explored with mum: a new escort on the transport. "
                "No indication of harm; the transport team agreed to restore the familiar "
                "escort. Monitor with the SENDCO.",
        actions=("SENDCO to review the communication passport with mum",),
        outcome="Familiar escort back; {name} settled at home time.",
        weight=0,
        reporter=("Tom Whitlock", "SENDCO"),
    ),
    Scenario(
        "worry_card", ("Child-on-child abuse",), "Learning support base",
        at=(10, 15),
        facts="At 10.15 {name} brought the red worry card to the teaching assistant and "
              "pointed to the 'hurt' and 'bus' symbols on {their} communication board. "
              "Using the choice board, {they} showed that another passenger on the school "
              "transport had pinched {their} arm. Small red mark on the left forearm, no "
              "broken skin.",
        child_words="No speech. {name} chose the symbols 'hurt', 'bus', 'arm', then 'boy' "
                    "and 'big' from the choice board.",
        questions="Choice board only, open choices, no leading questions.",
        immediate="Body map completed. DSL told the transport team and mum.",
        decision=Decision.OTHER,
        reasons="Incident on local authority transport; the transport team informed and "
                "seating changed so an escort sits with {name}. No concerns about care at "
                "home. Not a referral: the risk is managed by the transport plan.",
        actions=("Transport team to confirm the new seating plan",),
        outcome="Seating plan confirmed; no further incidents.",
        weight=0,
        reporter=("Chloe Ashworth", "Teaching assistant"),
    ),
    Scenario(
        "home_education", ("Elective home education",), "School office",
        others="Mum wrote to say she will home educate {name} from next week because of "
               "unhappiness at school.",
        others_source="Mum, letter to the headteacher",
        opinion="{name} has open safeguarding concerns; home education would make {them} "
                "less visible.",
        decision=Decision.OTHER,
        reasons="Notified the local authority's elective home education team as required "
                "and the allocated social worker. Meeting offered to mum to discuss support.",
        actions=("Notify the EHE team in writing",),
        outcome="Mum confirmed home education; EHE team visiting. File passed on.",
        weight=0,
    ),
)

BY_KEY: dict[str, Scenario] = {s.key: s for s in SCENARIOS}


@dataclass(frozen=True)
class GroupScenario:
    """A concern about several children: a victim, an alleged perpetrator, a witness.
    The alleged perpetrator is written as a boy; the victim as a girl where
    ``victim_girl`` is set."""

    key: str
    categories: tuple[str, ...]
    location: str
    facts: str
    child_words: str
    others: str
    others_source: str
    opinion: str
    immediate: str
    decision: Decision
    reasons: str
    actions: tuple[str, ...]
    outcome: str
    tags: tuple[str, ...] = ()
    questions: str = ""
    victim_girl: bool = False


GROUP_SCENARIOS: tuple[GroupScenario, ...] = (
    GroupScenario(
        "lunch_money", ("Bullying", "Child-on-child abuse"), "Toilets near the canteen",
        facts="At lunch I found {V} upset in the toilets near the canteen.",
        child_words="{V}: \"{P} takes my dinner money every day and says he'll get me after "
                    "school if I tell.\"",
        others="{P} pushed {V} against the lockers yesterday after school and took money "
               "from {V}'s blazer pocket.",
        others_source="{W}, who saw it, speaking to the Head of Year",
        opinion="This looks like repeated bullying with threats rather than a falling-out.",
        immediate="{V} stayed with a member of staff for the rest of lunch; both families to "
                  "be phoned by the Head of Year.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Repeated bullying with threats between pupils. Dealt with under the "
                "behaviour and anti-bullying policies; support plans for both pupils. No "
                "indication that either is at risk of significant harm, so not a referral.",
        actions=("Support plan for the victim, with a safe adult",
                 "Restorative meeting when both pupils are ready"),
        outcome="Money returned; no repeat reported over half a term.",
    ),
    GroupScenario(
        "corridor_comments", ("Sexual violence and harassment", "Child-on-child abuse"),
        "Main corridor, first floor",
        facts="{V} came to the pastoral office at break, upset.",
        child_words="{V}: \"He keeps saying things about my body when I walk past and his "
                    "friends laugh. Today he grabbed my bag strap and pulled me back.\"",
        others="{P} has made comments of a sexual nature to {V} in the corridor several "
               "times this week.",
        others_source="{W}, in a written account",
        opinion="Repeated sexual harassment; {V} is now avoiding the corridor.",
        immediate="{V} given a pass to use the staff stairs; DSL told at once.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Sexual harassment between pupils, handled under the school's approach to "
                "child-on-child abuse: risk assessment, separate timetabled routes, and "
                "education for the alleged perpetrator. Parents of both informed. Not a "
                "referral: no physical assault beyond the bag strap and no wider risk found.",
        actions=("Write a risk assessment for both pupils",
                 "Relationships education sessions for the alleged perpetrator"),
        outcome="Risk assessment reviewed after six weeks; no further incidents.",
        victim_girl=True,
    ),
    GroupScenario(
        "edited_photo", ("Online harm", "Bullying"), "Reported in school",
        facts="{W} showed the Head of Year a screenshot of an edited photo of {V} with "
              "unkind captions, posted in a year-group chat.",
        child_words="{V}: \"Everyone's seen it. I don't want to come in tomorrow.\"",
        others="{P} made and posted the picture.",
        others_source="{W}, and two other pupils separately",
        opinion="{V} is very distressed by how widely it has been shared.",
        immediate="Did not forward the screenshot. Asked the chat's admin to remove the "
                  "picture; told the DSL.",
        decision=Decision.PASTORAL_SUPPORT,
        reasons="Online bullying between pupils, no images of a sexual nature. Picture "
                "removed; sanctions under the behaviour policy; support for {V}. No "
                "referral needed.",
        actions=("Head of Year to check the picture is gone from the chat",),
        outcome="Picture removed; {V} back in school and supported by the form tutor.",
        tags=("Online",),
    ),
    GroupScenario(
        "bus_bay", ("Child-on-child abuse", "Serious violence"), "Bus bay after school",
        facts="At 3.20 I saw {P} punch {V} twice on the shoulder at the bus bay. I separated "
              "them. {V} had a graze on the left hand from falling.",
        child_words="{V}: \"I don't know why, I didn't say anything to him.\"",
        others="There has been an argument on social media between the two since the "
               "weekend.",
        others_source="{W}, who was at the bus bay",
        opinion="",
        immediate="First aid given to {V}; both pupils kept apart until collected.",
        decision=Decision.MONITOR,
        reasons="Assault between pupils with a minor injury. Parents of both informed; "
                "{V}'s parents chose not to involve police. Behaviour policy applied; "
                "monitor for any continuation online.",
        actions=("Staff presence at the bus bay for two weeks",),
        outcome="No further incidents at the bus bay.",
        tags=("Parent informed",),
    ),
)

#: Reasons given when a concern is amended, with what changes (see demo_records).
AMENDMENT_REASONS = {
    "location": "Location corrected: the reporter checked where it happened.",
    "time": "Time corrected after checking the register: it was an hour earlier.",
    "others": "Added what the lunchtime supervisor told the reporter afterwards.",
}
AMENDED_OTHERS = ("{name} had been on {their} own at the edge of the playground most "
                  "lunchtimes this week.")
AMENDED_OTHERS_SOURCE = "Farida Rahim, lunchtime supervisor"

#: Who notices things at a secondary school: (name, role). Fictional.
REPORTERS = (
    ("Hannah Pryce", "Form tutor"),
    ("Lorraine Bell", "Head of Year 9"),
    ("Owen Pritchard", "Head of Year 11"),
    ("Chloe Ashworth", "Teaching assistant"),
    ("Imran Qureshi", "PE teacher"),
    ("Ruth Kamara", "Science teacher"),
    ("Leon Fairweather", "Maths teacher"),
    ("Bea Lindqvist", "School nurse"),
    ("Farida Rahim", "Lunchtime supervisor"),
    ("Gareth Lewis", "English teacher"),
    ("Priya Raman", "Deputy DSL"),
    ("Tom Whitlock", "SENDCO"),
)

#: Who takes on an action, by a word in its description; anything else goes to
#: one of :data:`GENERAL_OWNERS`.
ACTION_OWNERS = (
    (("referral", "MASH", "strategy", "social worker", "police", "CEOP", "EHE",
      "return-home", "DSL"), "Sam Okafor (DSL)"),
    (("Head of Year", "safe space"), "Head of Year"),
    (("nurse",), "Bea Lindqvist (School nurse)"),
    (("SENDCO", "communication passport", "Transport"), "Tom Whitlock (SENDCO)"),
    (("attendance", "home visit", "bus pass"), "Joanne Fairbairn (Attendance officer)"),
)
GENERAL_OWNERS = ("Priya Raman (Deputy DSL)", "Form tutor", "Head of Year",
                  "Sam Okafor (DSL)")
