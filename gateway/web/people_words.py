"""The English of the pages about people and their access (people.py, credentials.py), and the
Italian of the directory's reasons about them; merged into translations.py's dictionaries."""

EN_PEOPLE = {
    "Accesso": "Access",
    "Accesso disattivato: tutte le sue sessioni sono chiuse.":
        "Access turned off: all their sessions are closed.",
    "Accesso riattivato.": "Access turned back on.",
    "All'accesso, oltre alla password, ti chiederemo il codice di sei cifre di un'app di "
    "autenticazione sul telefono (per esempio FreeOTP, Google Authenticator o Microsoft "
    "Authenticator).":
        "When you log in we will ask, besides the password, for the six-digit code of an "
        "authenticator app on your phone (for example FreeOTP, Google Authenticator or "
        "Microsoft Authenticator).",
    "Almeno 12 caratteri: meglio qualche parola che ricordi. Non servono simboli; sono "
    "rifiutate le password note perché già trapelate.":
        "At least 12 characters: a few words you remember are best. No symbols needed; "
        "passwords known from data breaches are refused.",
    "Apri l'app di autenticazione e inquadra questo codice QR.":
        "Open the authenticator app and scan this QR code.",
    "Attiva": "Turn on",
    "Attiva la verifica in due passaggi": "Turn on two-step verification",
    "Attiva: all'accesso ti chiediamo anche il codice dell'app.":
        "On: when you log in we also ask for the app's code.",
    "Attive": "Active",
    "Azzera la verifica in due passaggi": "Reset two-step verification",
    "Benvenuta, benvenuto {name}": "Welcome, {name}",
    "Cambia il ruolo": "Change the role",
    "Cambia la password": "Change the password",
    "Chi cambia ruolo deve accedere di nuovo: le sue sessioni si chiudono.":
        "Whoever changes role must log in again: their sessions close.",
    "Chiedi una nuova password": "Ask for a new password",
    "Codice QR da inquadrare con l'app di autenticazione":
        "QR code to scan with the authenticator app",
    "Codici di recupero": "Recovery codes",
    "Conservali in un posto sicuro, lontano dal telefono: se lo perdi, ciascuno vale una volta "
    "al posto del codice. Non li mostreremo più.":
        "Keep them somewhere safe, away from your phone: if you lose it, each works once in "
        "place of the code. We will not show them again.",
    "Crea il mio account": "Create my account",
    "Da 3 a 80 caratteri: lettere minuscole, cifre, punto, trattino.":
        "3 to 80 characters: lower-case letters, digits, dot, dash.",
    "Da ora all'accesso ti chiediamo anche il codice dell'app.":
        "From now on we also ask for the app's code when you log in.",
    "Disattiva l'accesso": "Turn off access",
    "Disattivando l'accesso si chiudono subito tutte le sessioni; gli invii del suo ente "
    "restano all'ente.":
        "Turning off access closes every session at once; their organisation keeps its "
        "referrals.",
    "Disattivata": "Turned off",
    "Disattivate": "Turned off",
    "Ente": "Organisation",
    "Entra nella Rete QuBì": "Join Rete QuBì",
    "Filtra le persone": "Filter the people",
    "Ho salvato i codici, continua": "I saved the codes, continue",
    "Il mio account": "My account",
    "Il tuo ruolo vede dati di famiglie con minori: prima di continuare attiva la verifica in "
    "due passaggi.":
        "Your role sees data of families with children: turn on two-step verification "
        "before you go on.",
    "Indirizzo dell'invito: {email}": "Address of the invitation: {email}",
    "Inizia": "Start",
    "Invia l'invito": "Send the invitation",
    "Invita una persona": "Invite a person",
    "Inviti in attesa": "Pending invitations",
    "Invito revocato: il suo link non vale più.": "Invitation revoked: its link no longer works.",
    "Invito spedito: la persona riceve un'email con il suo link.":
        "Invitation sent: the person gets an email with their link.",
    "Le altre sessioni aperte (su altri dispositivi) si chiudono.":
        "Your other open sessions (on other devices) close.",
    "Le persone degli enti del tuo municipio.": "The people of your municipio's organisations.",
    "Le persone del tuo ente.": "The people of your organisation.",
    "Link non più valido": "Link no longer valid",
    "Mandami il link": "Send me the link",
    "Municipi": "Municipi",
    "Nessun invito in attesa.": "No pending invitations.",
    "Nessuna modifica registrata.": "No change recorded.",
    "Nessuna persona con questi filtri.": "Nobody matches these filters.",
    "Nessuno": "None",
    "Nome e cognome": "Full name",
    "Nome utente, password o codice non corretti. Dopo molti tentativi sbagliati di fila "
    "l'account viene bloccato per qualche minuto.":
        "Wrong username, password or code. After many wrong attempts in a row the account is "
        "locked for a few minutes.",
    "Non attiva.": "Off.",
    "Non ha ancora fatto accesso": "Has not logged in yet",
    "Nuova password": "New password",
    "Password attuale": "Current password",
    "Password cambiata: accedi con quella nuova.": "Password changed: log in with the new one.",
    "Password cambiata: le altre sessioni sono chiuse.":
        "Password changed: your other sessions are closed.",
    "Password dimenticata": "Forgotten password",
    "Password dimenticata?": "Forgot your password?",
    "Per i ruoli di un ente.": "For the roles of an organisation.",
    "Per il tuo ruolo serve per vedere i dati delle famiglie.":
        "Your role needs it to see families' data.",
    "Persone": "People",
    "Questo accesso non è ancora passato dal secondo passaggio: scrivi il codice dell'app per "
    "vedere i dati delle famiglie e gestire le persone.":
        "This login has not passed the second step yet: type the app's code to see families' "
        "data and manage people.",
    "Le sei cifre che l'app mostra ora, oppure un codice di recupero.":
        "The six digits the app shows now, or a recovery code.",
    "Conferma": "Confirm",
    "La tua password": "Your password",
    "Per sicurezza: solo tu puoi legare un telefono al tuo account.":
        "For safety: only you can bind a phone to your account.",
    "Scrivi qui il codice di sei cifre che l'app mostra ora, e la tua password.":
        "Type here the six-digit code the app shows now, and your password.",
    "Conferma questo accesso con il codice": "Confirm this login with the code",
    "Puoi entrare con l'identità del Comune invece di scegliere una password, se il tuo "
    "indirizzo del Comune è quello dell'invito.":
        "You can sign in with the City's identity instead of choosing a password, if your City "
        "address is the invitation's.",
    "Puoi dare solo i ruoli che hai tu o che ti competono.":
        "You can only grant the roles you hold or manage.",
    "Questo link non è più valido: è già stato usato, è stato revocato oppure è scaduto. "
    "Chiedi un nuovo invito a chi ti ha invitato, o una nuova email per la password.":
        "This link no longer works: it was used, revoked or has expired. Ask whoever invited "
        "you for a new invitation, or for a new password email.",
    "Revoca": "Revoke",
    "Riattiva l'accesso": "Turn access back on",
    "Riceverà un'email con un link personale, valido una volta sola per 7 giorni, per scegliere "
    "nome utente e password.":
        "They will get an email with a personal link, good once for 7 days, to choose a "
        "username and password.",
    "Ruolo": "Role",
    "Ruolo cambiato: le sue sessioni sono state chiuse.":
        "Role changed: their sessions were closed.",
    "Salva la nuova password": "Save the new password",
    "Scegli come accedere: l'invito vale fino al {when}.":
        "Choose how to log in: the invitation is good until {when}.",
    "Scegli l'ente": "Choose the organisation",
    "Scrivi il codice di sei cifre che mostra ora l'app di autenticazione, oppure uno dei "
    "codici di recupero.":
        "Type the six-digit code the authenticator app shows now, or one of your recovery "
        "codes.",
    "Scrivi l'email del tuo account: ti mandiamo un link per sceglierne una nuova.":
        "Type your account's email: we send you a link to choose a new one.",
    "Scrivi qui il codice di sei cifre che l'app mostra ora.":
        "Type here the six-digit code the app shows now.",
    "Se l'indirizzo ha un account, ti abbiamo scritto: apri il link nell'email entro un'ora. "
    "Controlla anche la posta indesiderata.":
        "If the address has an account, we wrote to it: open the link in the email within an "
        "hour. Check your spam folder too.",
    "Se non puoi inquadrarlo, scrivi nell'app questa chiave:":
        "If you cannot scan it, type this key in the app:",
    "Sei invitato come {role}": "You are invited as {role}",
    "Storia dell'account": "Account history",
    "Torna all'accesso": "Back to the login",
    "Torna alle persone": "Back to the people",
    "Tutte le persone della piattaforma.": "Everybody on the platform.",
    "Tutte le sessioni aperte con la vecchia password si chiudono.":
        "Every session opened with the old password closes.",
    "Ultimo accesso": "Last login",
    "Ultimo accesso: {when}": "Last login: {when}",
    "Verifica in due passaggi": "Two-step verification",
    "Verifica in due passaggi attiva": "Two-step verification on",
    "Verifica in due passaggi azzerata: la attiverà al prossimo accesso.":
        "Two-step verification reset: they will turn it on at their next login.",
    "attiva": "on",
    "da {who}": "by {who}",
    "mai": "never",
    "non attiva": "off",
    "per coordinamenti e assistenti sociali": "for coordinations and social workers",
    "scade il {when}": "expires on {when}",
    "{n} persona": "{n} person",
    "{n} persone": "{n} people",
    "È attiva. Se perdi il telefono usa un codice di recupero, poi chiedi a chi gestisce il "
    "tuo account di azzerarla.":
        "It is on. If you lose your phone use a recovery code, then ask whoever manages your "
        "account to reset it.",
}

REASONS_IT_PEOPLE = {
    "At least 12 characters: a few words make a good one.":
        "Almeno 12 caratteri: qualche parola insieme va benissimo.",
    "At most 200 characters.": "Al massimo 200 caratteri.",
    "This password is among those known from data breaches: choose another.":
        "Questa password è tra quelle note perché trapelate: scegline un'altra.",
    "A repeated or sequential run of characters is easy to guess.":
        "Una sequenza di caratteri ripetuti o consecutivi è facile da indovinare.",
    "The password may not contain your username.":
        "La password non può contenere il tuo nome utente.",
    "The platform's name with a few characters around it is easy to guess.":
        "Il nome della piattaforma con pochi caratteri intorno è facile da indovinare.",
    "This username is taken: choose another.": "Questo nome utente è già preso: scegline un altro.",
    "3 to 80 characters: lower-case letters, digits, dots, dashes and underscores.":
        "Da 3 a 80 caratteri: lettere minuscole, cifre, punti, trattini.",
    "This is not your current password.": "Non è la tua password attuale.",
    "The code is wrong or has expired: type the one the app shows now.":
        "Il codice è sbagliato o scaduto: scrivi quello che l'app mostra ora.",
    "Somebody already has an account with this address.":
        "Qualcuno ha già un account con questo indirizzo.",
    "No such organisation.": "Ente non trovato.",
    "Name the municipi of the role coordinator.": "Indica i municipi del coordinamento.",
    "Name the municipi of the role social_worker.":
        "Indica i municipi dell'assistente sociale.",
    "Needed for the role partner.": "Serve l'ente per questo ruolo.",
    "Needed for the role partner_admin.": "Serve l'ente per questo ruolo.",
    "You may not grant the role city.": "Non puoi dare il ruolo di cabina di regia.",
    "You may not grant the role coordinator.": "Non puoi dare il ruolo di coordinamento.",
    "You may not grant the role social_worker.":
        "Non puoi dare il ruolo di assistente sociale.",
    "You may not grant the role partner_admin.": "Non puoi dare il ruolo di referente dell'ente.",
    "You may not grant the role partner.": "Non puoi dare il ruolo di operatore dell'ente.",
    "This organisation is outside what you manage.": "Questo ente è fuori da ciò che gestisci.",
    "Your own account is changed by whoever manages it, not by you.":
        "Il tuo account lo modifica chi lo gestisce, non tu.",
}
