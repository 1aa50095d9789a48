# Recognition: what a person did, their level, their badges and the skills
# endorsed by the people they helped.
recognition-title = Recognition
recognition-level = Level: { $level }
recognition-next-level = { $count ->
    [one] One more help to reach { $level }.
   *[other] { $count } more helps to reach { $level }.
}
recognition-record = Contributions
recognition-badges = Badges
recognition-no-badges = No badge yet: the first comes with the first answer to a need.
recognition-next-badges = Next badges
recognition-badge-progress = { $count } of { $need }
recognition-endorsed = Endorsed skills
recognition-no-endorsements = No skill endorsed yet.
recognition-endorsed-by = { $count ->
    [one] endorsed by one person
   *[other] endorsed by { $count } people
}
contribution-helped = Helps given
contribution-visited = Visits made
contribution-organised = Exchanges and visits organised
contribution-answered = Answers to needs
contribution-thanked = Thanks received
level-newcomer = Newcomer
level-neighbour = Good neighbour
level-helper = Helper
level-pillar = Pillar
badge-first_answer = First answer
badge-first_help = First help
badge-ten_helps = 10 helps
badge-first_visit = First visit
badge-ten_visits = 10 visits
badge-first_organised = First help organised
badge-ten_organised = 10 helps organised
badge-ten_thanks = 10 thanks received
badge-three_skills_endorsed = 3 skills endorsed
endorse-title = Endorse a skill
endorse-intro = Say which skill you valued: it will show on the person's profile, with how many people endorsed it.
hint-endorse-skill = The skill of { $name } you want to endorse.
endorse-suggested = Suggested for this exchange
endorse-other-skills = Other skills
endorse-send = Endorse this skill
endorse-withdraw = Withdraw
field-helper = Person who helped
done-endorsed = Thank you: the skill is endorsed.
done-endorsement-withdrawn = The endorsement is withdrawn.
error-endorse-not-done = A skill can be endorsed once the exchange is done.
error-endorse-not-helper = This person did not help in this exchange.
error-endorse-duplicate = You already endorsed this skill for this exchange.
event-endorsement-given-for = Skill endorsed for you
event-endorsement-withdrawn-for = Skill endorsement withdrawn for you
