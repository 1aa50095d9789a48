# Reconnaissance : ce qu'une personne a fait, son niveau, ses badges et les
# savoir-faire reconnus par les personnes qu'elle a aidées.
recognition-title = Parcours d'entraide
recognition-level = Niveau : { $level }
recognition-next-level = { $count ->
    [one] Encore un coup de main pour atteindre le niveau « { $level } ».
   *[other] Encore { $count } coups de main pour atteindre le niveau « { $level } ».
}
recognition-record = Contributions
recognition-badges = Badges
recognition-no-badges = Pas encore de badge : le premier vient avec la première réponse à une demande.
recognition-next-badges = Prochains badges
recognition-badge-progress = { $count } sur { $need }
recognition-endorsed = Savoir-faire reconnus
recognition-no-endorsements = Aucun savoir-faire reconnu pour l'instant.
recognition-endorsed-by = { $count ->
    [one] reconnu par une personne
   *[other] reconnu par { $count } personnes
}
contribution-helped = Coups de main donnés
contribution-visited = Visites faites
contribution-organised = Échanges et visites organisés
contribution-answered = Réponses à des demandes
contribution-thanked = Mercis reçus
level-newcomer = Premiers pas
level-neighbour = Bon voisinage
level-helper = Main tendue
level-pillar = Pilier
badge-first_answer = Première réponse
badge-first_help = Premier coup de main
badge-ten_helps = 10 coups de main
badge-first_visit = Première visite
badge-ten_visits = 10 visites
badge-first_organised = Première entraide organisée
badge-ten_organised = 10 entraides organisées
badge-ten_thanks = 10 mercis reçus
badge-three_skills_endorsed = 3 savoir-faire reconnus
endorse-title = Reconnaître un savoir-faire
endorse-intro = Dites quel savoir-faire vous avez apprécié : il apparaîtra sur le profil de la personne, avec le nombre de personnes qui l'ont reconnu.
hint-endorse-skill = Le savoir-faire de { $name } que vous voulez reconnaître.
endorse-suggested = Proposés pour cet échange
endorse-other-skills = Autres savoir-faire
endorse-send = Reconnaître ce savoir-faire
endorse-withdraw = Retirer
field-helper = Personne qui a aidé
done-endorsed = Merci : ce savoir-faire est reconnu.
done-endorsement-withdrawn = La reconnaissance est retirée.
error-endorse-not-done = Un savoir-faire se reconnaît une fois l'échange fait.
error-endorse-not-helper = Cette personne n'a pas aidé dans cet échange.
error-endorse-duplicate = Vous avez déjà reconnu ce savoir-faire pour cet échange.
event-endorsement-given-for = Savoir-faire reconnu pour vous
event-endorsement-withdrawn-for = Reconnaissance de savoir-faire retirée pour vous
