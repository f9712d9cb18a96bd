// Widget strings in en/nl/fr, chosen from data-locale, else the browser language; once the
// conversation has a language (the server reads it from the user's first message), that one.
const STRINGS = {
  en: {
    open: 'Open chat',
    close: 'Close chat',
    title: 'Chat with us',
    placeholder: 'Type your message…',
    send: 'Send',
    waiting: (n: number | null, min: number | null) =>
      `Waiting for an agent${n ? ` — you are number ${n}` : ''}${min ? `, about ${min} min` : ''}`,
    cancelWait: 'Stop waiting',
    withAgent: (name: string) => `You are chatting with ${name}`,
    backWithBot: "You're back with the assistant",
    reconnecting: 'Connection lost — reconnecting…',
    sending: 'Sending…',
    retrying: 'Not sent yet — retrying…',
    failed: 'Not sent',
    tooFast: "You're sending messages too fast — retrying in a moment",
    tooLong: (n: number) => `${n} characters too long`,
    left: (n: number) => `${n} characters left`,
    end: 'End chat',
    ended: 'Chat ended. Send a message to start a new one.',
    typing: (who: string) => `${who} is typing…`,
    assistant: 'Assistant',
    you: 'You',
    newMessages: 'New messages',
    error: 'Something went wrong. Please try again.',
    attach: 'Attach a file',
    attached: 'Ready to send',
    remove: 'Remove',
    uploading: (pct: number) => `Uploading… ${pct}%`,
    fileTooLarge: 'This file is too large',
    fileType: 'This type of file cannot be sent (images, PDF, text and office documents can)',
    fileQuota: 'No more files can be added to this chat',
    uploadFailed: 'Upload failed. Please try again.',
    fileUnavailable: 'not available',
    download: 'Download',
    openImage: 'Open image',
  },
  nl: {
    open: 'Chat openen',
    close: 'Chat sluiten',
    title: 'Chat met ons',
    placeholder: 'Typ je bericht…',
    send: 'Versturen',
    waiting: (n: number | null, min: number | null) =>
      `Wachten op een medewerker${n ? ` — je bent nummer ${n}` : ''}${min ? `, ongeveer ${min} min` : ''}`,
    cancelWait: 'Stoppen met wachten',
    withAgent: (name: string) => `Je chat met ${name}`,
    backWithBot: 'Je bent terug bij de assistent',
    reconnecting: 'Verbinding verbroken — opnieuw verbinden…',
    sending: 'Versturen…',
    retrying: 'Nog niet verstuurd — opnieuw proberen…',
    failed: 'Niet verstuurd',
    tooFast: 'Je stuurt te snel berichten — even geduld',
    tooLong: (n: number) => `${n} tekens te lang`,
    left: (n: number) => `nog ${n} tekens`,
    end: 'Chat beëindigen',
    ended: 'Chat beëindigd. Stuur een bericht om een nieuwe te starten.',
    typing: (who: string) => `${who} typt…`,
    assistant: 'Assistent',
    you: 'Jij',
    newMessages: 'Nieuwe berichten',
    error: 'Er ging iets mis. Probeer het opnieuw.',
    attach: 'Bestand toevoegen',
    attached: 'Klaar om te versturen',
    remove: 'Verwijderen',
    uploading: (pct: number) => `Uploaden… ${pct}%`,
    fileTooLarge: 'Dit bestand is te groot',
    fileType: 'Dit soort bestand kan niet verstuurd worden (afbeeldingen, pdf, tekst en kantoordocumenten wel)',
    fileQuota: 'Er kunnen geen bestanden meer aan deze chat toegevoegd worden',
    uploadFailed: 'Uploaden mislukt. Probeer het opnieuw.',
    fileUnavailable: 'niet beschikbaar',
    download: 'Downloaden',
    openImage: 'Afbeelding openen',
  },
  fr: {
    open: 'Ouvrir le chat',
    close: 'Fermer le chat',
    title: 'Discutez avec nous',
    placeholder: 'Écrivez votre message…',
    send: 'Envoyer',
    waiting: (n: number | null, min: number | null) =>
      `En attente d'un conseiller${n ? ` — vous êtes numéro ${n}` : ''}${min ? `, environ ${min} min` : ''}`,
    cancelWait: "Ne plus attendre",
    withAgent: (name: string) => `Vous discutez avec ${name}`,
    backWithBot: "Vous êtes de retour avec l'assistant",
    reconnecting: 'Connexion perdue — reconnexion…',
    sending: 'Envoi…',
    retrying: 'Pas encore envoyé — nouvel essai…',
    failed: 'Non envoyé',
    tooFast: 'Vous envoyez des messages trop vite — un instant',
    tooLong: (n: number) => `${n} caractères de trop`,
    left: (n: number) => `${n} caractères restants`,
    end: 'Terminer le chat',
    ended: 'Chat terminé. Envoyez un message pour en commencer un nouveau.',
    typing: (who: string) => `${who} écrit…`,
    assistant: 'Assistant',
    you: 'Vous',
    newMessages: 'Nouveaux messages',
    error: "Une erreur s'est produite. Réessayez.",
    attach: 'Joindre un fichier',
    attached: 'Prêt à envoyer',
    remove: 'Retirer',
    uploading: (pct: number) => `Envoi du fichier… ${pct} %`,
    fileTooLarge: 'Ce fichier est trop volumineux',
    fileType: "Ce type de fichier ne peut pas être envoyé (images, PDF, texte et documents bureautiques acceptés)",
    fileQuota: 'Impossible d’ajouter d’autres fichiers à ce chat',
    uploadFailed: "L'envoi du fichier a échoué. Réessayez.",
    fileUnavailable: 'indisponible',
    download: 'Télécharger',
    openImage: "Ouvrir l'image",
  },
};

export type Strings = (typeof STRINGS)['en'];
export type Lang = keyof typeof STRINGS;

export function pickLanguage(configured: string | undefined, browser: readonly string[]): Lang {
  for (const l of [configured, ...browser]) {
    const base = l?.toLowerCase().split(/[-_]/)[0];
    if (base && base in STRINGS) return base as Lang;
  }
  return 'en';
}

export function strings(lang: Lang): Strings {
  return STRINGS[lang];
}

/** The strings of the conversation's language (the server may switch it from what the user types), else `fallback`. */
export function stringsFor(language: string | undefined, fallback: Strings): Strings {
  return language && language in STRINGS ? STRINGS[language as Lang] : fallback;
}
