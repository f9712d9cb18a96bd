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
    nobodyOnline: (n: number | null) => `Nobody can take your chat right now${n ? ` (you are number ${n})` : ''}. You can keep waiting, or leave a message and we'll answer by e-mail.`,
    leaveMessage: 'Leave a message',
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
    rateQuestion: (agent: string) => `How would you rate the help you got from ${agent}?`,
    rateScore: (n: number) => `${n} out of 5`,
    rateComment: 'Anything you would like to add? (optional)',
    rateSend: 'Send rating',
    rateSkip: 'No thanks',
    rateThanks: 'Thank you for your feedback!',
    rateFailed: 'Your rating could not be sent. Please try again.',
    endedNotice: 'This chat has ended. You can still read it here.',
    downloadTranscript: 'Download transcript',
    downloadAsHtml: 'as a web page',
    downloadFailed: 'The transcript could not be downloaded. Please try again.',
    newChat: 'Start a new chat',
    emailTranscript: 'E-mail me the transcript',
    emailSent: 'Transcript sent',
    emailFailed: 'The transcript could not be sent. Please try again.',
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
    nobodyOnline: (n: number | null) => `Er kan nu niemand je chat overnemen${n ? ` (je bent nummer ${n})` : ''}. Je kunt blijven wachten, of een bericht achterlaten; we antwoorden per e-mail.`,
    leaveMessage: 'Bericht achterlaten',
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
    rateQuestion: (agent: string) => `Hoe beoordeel je de hulp van ${agent}?`,
    rateScore: (n: number) => `${n} op 5`,
    rateComment: 'Wil je nog iets kwijt? (optioneel)',
    rateSend: 'Beoordeling versturen',
    rateSkip: 'Nee, bedankt',
    rateThanks: 'Bedankt voor je feedback!',
    rateFailed: 'Je beoordeling kon niet worden verstuurd. Probeer het opnieuw.',
    endedNotice: 'Deze chat is beëindigd. Je kunt hem hier nog lezen.',
    downloadTranscript: 'Transcript downloaden',
    downloadAsHtml: 'als webpagina',
    downloadFailed: 'Het transcript kon niet worden gedownload. Probeer het opnieuw.',
    newChat: 'Nieuwe chat starten',
    emailTranscript: 'Transcript naar mij mailen',
    emailSent: 'Transcript verstuurd',
    emailFailed: 'Het transcript kon niet worden verstuurd. Probeer het opnieuw.',
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
    nobodyOnline: (n: number | null) => `Personne ne peut prendre votre chat pour le moment${n ? ` (vous êtes numéro ${n})` : ''}. Vous pouvez attendre, ou laisser un message : nous répondrons par e-mail.`,
    leaveMessage: 'Laisser un message',
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
    rateQuestion: (agent: string) => `Comment évaluez-vous l'aide de ${agent} ?`,
    rateScore: (n: number) => `${n} sur 5`,
    rateComment: 'Souhaitez-vous ajouter quelque chose ? (facultatif)',
    rateSend: "Envoyer l'évaluation",
    rateSkip: 'Non merci',
    rateThanks: 'Merci pour votre avis !',
    rateFailed: "Votre évaluation n'a pas pu être envoyée. Réessayez.",
    endedNotice: 'Ce chat est terminé. Vous pouvez encore le relire ici.',
    downloadTranscript: 'Télécharger la transcription',
    downloadAsHtml: 'en page web',
    downloadFailed: "La transcription n'a pas pu être téléchargée. Réessayez.",
    newChat: 'Commencer un nouveau chat',
    emailTranscript: "M'envoyer la transcription par e-mail",
    emailSent: 'Transcription envoyée',
    emailFailed: "La transcription n'a pas pu être envoyée. Réessayez.",
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
