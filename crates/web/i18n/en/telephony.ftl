# What the phone says
tel-say-sorry = Sorry, a problem prevents us from handling your call. Please call again later.
tel-say-access-welcome = Welcome to Entraide's voicemail. Type your box number or your personal number, then the hash key.
tel-say-not-in-service = This number is no longer in service.
tel-say-which-box = Type the box number of the person you are calling, then the hash key.
tel-say-unknown-box = No box has this number.
tel-say-greeting = You have reached the voicemail of { $name }. Leave your message after the beep, then hang up.
tel-say-nothing-recorded = No message was recorded. Goodbye.
tel-say-thanks = Thank you, your message was recorded. Goodbye.
tel-say-pin = Type your PIN, then the hash key.
tel-say-wrong-pin = That PIN is not right.
tel-say-locked = Your box is locked after too many wrong PINs. Your social worker can unlock it.
tel-say-goodbye = Goodbye.
tel-say-count = { $count ->
    [0] You have no new messages, out of { $total } in all.
    [one] You have one new message, out of { $total } in all.
   *[other] You have { $count } new messages, out of { $total } in all.
}
tel-say-message = Message { $position }, received { $when }, from { $caller }.
tel-say-when = on { $month } { $day } at { $hour } { $minute }
tel-say-hidden-number = a hidden number
tel-say-keys = To listen again, press 1. To keep it, 2. To delete it, 3. To call back, 4. For the next message, 5.
tel-say-saved = Message kept.
tel-say-deleted = Message deleted.
tel-say-calling = We are calling them back. Please hold.
tel-say-cannot-call = This caller hid their number: they cannot be called back.
tel-say-no-more = There are no more messages. Goodbye.
tel-month-1 = January
tel-month-2 = February
tel-month-3 = March
tel-month-4 = April
tel-month-5 = May
tel-month-6 = June
tel-month-7 = July
tel-month-8 = August
tel-month-9 = September
tel-month-10 = October
tel-month-11 = November
tel-month-12 = December

# Errors
error-box-exists = This person already has a voicemail.
error-telephony-not-configured = The organisation's telephony is not set up yet.
error-no-shared-number = The organisation has no shared number: give a personal number.
error-no-free-number = No number is free: add numbers or wait until one has rested.
error-number-held = This number is held by someone: close their voicemail first.

# My voicemail
voicemail-title = My voicemail
voicemail-none = You do not have a phone number yet. Your social worker can give you one.
voicemail-your-number = Your personal number: { $number }
voicemail-your-box = Your box { $box } on number { $number }
voicemail-listen-anywhere = To listen to your messages from any phone, even a payphone: call { $number }, type your number or your box number, then your PIN.
voicemail-locked = Your box is locked after too many wrong PINs. Your social worker can unlock it.
voicemail-messages = Messages
voicemail-empty = No messages yet.
voicemail-when = Received
voicemail-caller = Caller
voicemail-hidden = Hidden number
voicemail-length = Length
voicemail-seconds = { $seconds } s
voicemail-state = State
voicemail-new = New
voicemail-heard = Heard
voicemail-saved = Kept
voicemail-listen = Listen
voicemail-download = Download
voicemail-mark-heard = Mark as heard
voicemail-save = Keep
voicemail-delete = Delete
voicemail-delete-title = Delete this message?
voicemail-delete-warning = The message from { $caller } received on { $when } will be deleted for good.
voicemail-pin-title = PIN
voicemail-pin-label = New PIN (4 to 8 digits)
voicemail-pin-save = Change the PIN
voicemail-notify-title = Tell my social worker
voicemail-notify-label = Tell the person who opened my voicemail of each new message (not what it says)
voicemail-notify-save = Save
voicemail-cards-title = Business cards
voicemail-cards-intro = Print cards with your name and number, to give to people who need to reach you.
voicemail-cards-pdf = Cards to print (PDF)
voicemail-cards-qr = With a QR code to my contact page
voicemail-cards-vcard = Contact card (vCard)
voicemail-card-phone = Phone and voicemail
voicemail-card-box = Box
voicemail-card-leave = Leave me a message at any time.
voicemail-card-title = Business cards
voicemail-contact-title = Reach { $name }
voicemail-contact-call = Call { $number } and leave a message.
voicemail-contact-box = Call { $number }, type { $box } then hash, and leave a message.

# For social workers
phone-title-of = Phone of { $name }
phone-link = Phone and voicemail
phone-none = This person has no voicemail.
phone-open-personal = Give a personal number
phone-open-shared = Open a box on the shared number
phone-open = Open the voicemail
phone-kind = Kind of voicemail
phone-opened = Voicemail opened. Give this PIN to the person; it will not be shown again: { $pin }
phone-new-pin = New PIN
phone-new-pin-done = New PIN, to give to the person; it will not be shown again: { $pin }
phone-unlock = Unlock the box
phone-close = Close the voicemail
phone-close-title = Close this voicemail?
phone-close-warning = The person's messages will be deleted and their number will rest before it is given again.
phone-locked = Locked after too many wrong PINs.
phone-messages = { $count ->
    [one] One message
   *[other] { $count } messages
}

# For the organisation's administrators
telephony-title = Telephony of { $org }
telephony-link = Telephony
telephony-intro = Connect an account with a TwiML-compatible provider (Twilio, Telnyx, SignalWire, Plivo) to give personal numbers with voicemail to the people you accompany.
telephony-provider = Provider
telephony-api-url = The provider's API address
telephony-account-sid = Account identifier
telephony-auth-token = Auth token
telephony-auth-token-hint = Leave empty to keep the current token. It is encrypted and never shown again.
telephony-access-number = Access number (to listen to messages)
telephony-shared-number = Shared number (boxes without a personal number)
telephony-quarantine = Days a returned number rests
telephony-save = Save
telephony-voice-url = The address to give the provider for every number's incoming calls (POST method): { $url }
telephony-pool = Numbers
telephony-pool-empty = No numbers yet.
telephony-add-numbers = Add numbers (one per line)
telephony-add = Add
telephony-added = { $count ->
    [one] One number added.
   *[other] { $count } numbers added.
}
telephony-number = Number
telephony-holder = Held by
telephony-free = Free
telephony-resting = Resting since { $date }
telephony-remove = Remove

# After an act
done-voicemail-deleted = Message deleted.
done-voicemail-pin = Your PIN was changed.
done-voicemail-notify = Your choice is saved.
done-phone-unlocked = Box unlocked.
done-phone-closed = Voicemail closed.
done-telephony-saved = Settings saved.
done-telephony-numbers = Numbers added.
done-telephony-removed = Number removed.

invalid-voice-pin = the PIN has 4 to 8 digits

# Log
event-telephony-configured = Telephony set up
event-voice-box-opened = Voicemail opened for you
event-voice-box-unlocked = Voicemail unlocked
event-voice-pin-changed = New voicemail PIN
event-voice-box-closed = Voicemail closed
event-voice-box-locked = Voicemail locked (wrong PINs)
event-voice-call-back = A caller called back from the voicemail
