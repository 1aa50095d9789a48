# Ce que dit le téléphone
tel-say-sorry = Désolé, un problème empêche de traiter votre appel. Merci de rappeler plus tard.
tel-say-access-welcome = Bienvenue sur la messagerie d'Entraide. Composez votre numéro de boîte ou votre numéro personnel, puis la touche dièse.
tel-say-not-in-service = Ce numéro n'est plus en service.
tel-say-which-box = Composez le numéro de la boîte de votre correspondant, puis la touche dièse.
tel-say-unknown-box = Aucune boîte ne porte ce numéro.
tel-say-greeting = Vous êtes bien sur la messagerie de { $name }. Laissez votre message après le bip, puis raccrochez.
tel-say-nothing-recorded = Aucun message n'a été enregistré. Au revoir.
tel-say-thanks = Merci, votre message a été enregistré. Au revoir.
tel-say-pin = Composez votre code secret, puis la touche dièse.
tel-say-wrong-pin = Ce code n'est pas le bon.
tel-say-locked = Votre boîte est bloquée après trop de codes erronés. Votre travailleur social peut la débloquer.
tel-say-goodbye = Au revoir.
tel-say-count = { $count ->
    [0] Vous n'avez aucun nouveau message, sur { $total } en tout.
    [one] Vous avez un nouveau message, sur { $total } en tout.
   *[other] Vous avez { $count } nouveaux messages, sur { $total } en tout.
}
tel-say-message = Message { $position }, reçu { $when }, de { $caller }.
tel-say-when = le { $day } { $month } à { $hour } heures { $minute }
tel-say-hidden-number = numéro masqué
tel-say-keys = Pour réécouter, tapez 1. Pour garder, 2. Pour effacer, 3. Pour rappeler, 4. Pour le message suivant, 5.
tel-say-saved = Message gardé.
tel-say-deleted = Message effacé.
tel-say-calling = Nous appelons votre correspondant. Restez en ligne.
tel-say-cannot-call = Ce correspondant a masqué son numéro : il ne peut pas être rappelé.
tel-say-no-more = Il n'y a plus de message. Au revoir.
tel-month-1 = janvier
tel-month-2 = février
tel-month-3 = mars
tel-month-4 = avril
tel-month-5 = mai
tel-month-6 = juin
tel-month-7 = juillet
tel-month-8 = août
tel-month-9 = septembre
tel-month-10 = octobre
tel-month-11 = novembre
tel-month-12 = décembre

# Erreurs
error-box-exists = Cette personne a déjà une messagerie.
error-telephony-not-configured = La téléphonie de l'organisation n'est pas encore configurée.
error-no-shared-number = L'organisation n'a pas de numéro partagé : donnez un numéro personnel.
error-no-free-number = Aucun numéro n'est libre : ajoutez des numéros ou attendez la fin d'une mise au repos.
error-number-held = Ce numéro est attribué à quelqu'un : fermez d'abord sa messagerie.

# Ma messagerie
voicemail-title = Ma messagerie vocale
voicemail-none = Vous n'avez pas encore de numéro de téléphone. Votre travailleur social peut vous en donner un.
voicemail-your-number = Votre numéro personnel : { $number }
voicemail-your-box = Votre boîte { $box } sur le numéro { $number }
voicemail-listen-anywhere = Pour écouter vos messages depuis n'importe quel téléphone, même une cabine : appelez le { $number }, tapez votre numéro ou votre numéro de boîte, puis votre code secret.
voicemail-locked = Votre boîte est bloquée après trop de codes erronés. Votre travailleur social peut la débloquer.
voicemail-messages = Messages
voicemail-empty = Aucun message pour l'instant.
voicemail-when = Reçu le
voicemail-caller = Appelant
voicemail-hidden = Numéro masqué
voicemail-length = Durée
voicemail-seconds = { $seconds } s
voicemail-state = État
voicemail-new = Nouveau
voicemail-heard = Écouté
voicemail-saved = Gardé
voicemail-listen = Écouter
voicemail-download = Télécharger
voicemail-mark-heard = Marquer comme écouté
voicemail-save = Garder
voicemail-delete = Effacer
voicemail-delete-title = Effacer ce message ?
voicemail-delete-warning = Le message de { $caller } reçu le { $when } sera effacé pour de bon.
voicemail-pin-title = Code secret
voicemail-pin-label = Nouveau code secret (4 à 8 chiffres)
voicemail-pin-save = Changer le code
voicemail-notify-title = Prévenir mon travailleur social
voicemail-notify-label = Prévenir la personne qui a ouvert ma messagerie à chaque nouveau message (sans son contenu)
voicemail-notify-save = Enregistrer
voicemail-cards-title = Cartes de visite
voicemail-cards-intro = Imprimez des cartes avec votre nom et votre numéro, à donner aux personnes qui doivent vous joindre.
voicemail-cards-pdf = Cartes à imprimer (PDF)
voicemail-cards-qr = Avec un code QR vers ma page de contact
voicemail-cards-vcard = Fiche contact (vCard)
voicemail-card-phone = Téléphone et messagerie
voicemail-card-box = Boîte
voicemail-card-leave = Laissez-moi un message à toute heure.
voicemail-card-title = Cartes de visite
voicemail-contact-title = Joindre { $name }
voicemail-contact-call = Appelez le { $number } et laissez un message.
voicemail-contact-box = Appelez le { $number }, tapez { $box } puis dièse, et laissez un message.

# Pour les travailleurs sociaux
phone-title-of = Téléphone de { $name }
phone-link = Téléphone et messagerie
phone-none = Cette personne n'a pas de messagerie.
phone-open-personal = Donner un numéro personnel
phone-open-shared = Ouvrir une boîte sur le numéro partagé
phone-open = Ouvrir la messagerie
phone-kind = Type de messagerie
phone-opened = Messagerie ouverte. Donnez ce code secret à la personne, il ne sera plus affiché : { $pin }
phone-new-pin = Nouveau code secret
phone-new-pin-done = Nouveau code secret, à donner à la personne, il ne sera plus affiché : { $pin }
phone-unlock = Débloquer la boîte
phone-close = Fermer la messagerie
phone-close-title = Fermer cette messagerie ?
phone-close-warning = Les messages de la personne seront effacés et son numéro mis au repos avant d'être redonné.
phone-locked = Bloquée après trop de codes erronés.
phone-messages = { $count ->
    [one] Un message
   *[other] { $count } messages
}

# Pour les administrateurs de l'organisation
telephony-title = Téléphonie de { $org }
telephony-link = Téléphonie
telephony-intro = Reliez un compte chez un opérateur compatible TwiML (Twilio, Telnyx, SignalWire, Plivo) pour donner des numéros personnels avec messagerie aux personnes accompagnées.
telephony-provider = Opérateur
telephony-api-url = Adresse de l'API de l'opérateur
telephony-account-sid = Identifiant du compte
telephony-auth-token = Jeton d'authentification
telephony-auth-token-hint = Laissez vide pour garder le jeton actuel. Il est chiffré et n'est jamais réaffiché.
telephony-access-number = Numéro d'accès (pour écouter ses messages)
telephony-shared-number = Numéro partagé (boîtes sans numéro personnel)
telephony-quarantine = Jours de repos d'un numéro rendu
telephony-save = Enregistrer
telephony-voice-url = Adresse à donner à l'opérateur pour les appels entrants de chaque numéro (méthode POST) : { $url }
telephony-pool = Numéros
telephony-pool-empty = Aucun numéro pour l'instant.
telephony-add-numbers = Ajouter des numéros (un par ligne)
telephony-add = Ajouter
telephony-added = { $count ->
    [one] Un numéro ajouté.
   *[other] { $count } numéros ajoutés.
}
telephony-number = Numéro
telephony-holder = Attribué à
telephony-free = Libre
telephony-resting = Au repos depuis le { $date }
telephony-remove = Retirer

# Après une action
done-voicemail-deleted = Message effacé.
done-voicemail-pin = Votre code secret a été changé.
done-voicemail-notify = Votre choix est enregistré.
done-phone-unlocked = Boîte débloquée.
done-phone-closed = Messagerie fermée.
done-telephony-saved = Réglages enregistrés.
done-telephony-numbers = Numéros ajoutés.
done-telephony-removed = Numéro retiré.

invalid-voice-pin = le code secret a de 4 à 8 chiffres

# Journal
event-telephony-configured = Téléphonie réglée
event-voice-box-opened = Messagerie vocale ouverte pour vous
event-voice-box-unlocked = Messagerie vocale débloquée
event-voice-pin-changed = Nouveau code secret de messagerie
event-voice-box-closed = Messagerie vocale fermée
event-voice-box-locked = Messagerie vocale bloquée (codes erronés)
event-voice-call-back = Rappel d'un correspondant depuis la messagerie
