// What the generated conversations say, in the demo bot's three languages: the bot's lines as
// examples/demo-bot.yaml words them (the transcripts read like the demo bot's), the system lines as
// the commands write them, and a few dozen user, agent and note texts so search has varied text to scan.
export type Lang = 'en' | 'nl' | 'fr';
type Texts = Record<Lang, string>;

export const BOT_NAME = 'Acme assistant';

export const WELCOME: Texts = {
  en: "Hi! I'm the Acme assistant. How can I help you today?",
  nl: 'Hallo! Ik ben de Acme-assistent. Waarmee kan ik je helpen?',
  fr: "Bonjour ! Je suis l'assistant Acme. Comment puis-je vous aider ?",
};
export const WELCOME_BUTTONS: Record<Lang, string[]> = {
  en: ['Opening hours', 'Change my address', 'Talk to a person'],
  nl: ['Openingsuren', 'Adres wijzigen', 'Een medewerker spreken'],
  fr: ['Horaires', "Changer d'adresse", 'Parler à un conseiller'],
};
export const WELCOME_GOTO = ['goto:opening_hours', 'goto:address_change', 'goto:talk_to_agent'];

/** questions the bot answers itself, with its answer (and whether the answer carries the opening-hours cards) */
export const BOT_TOPICS: Array<{ user: Texts; bot: Texts; cards?: boolean }> = [
  {
    user: { en: 'what are your opening hours?', nl: 'wat zijn jullie openingsuren?', fr: "quelles sont vos heures d'ouverture ?" },
    bot: {
      en: 'Our customer service is open Monday to Friday, 9:00 to 17:00 (Brussels time), except public holidays.',
      nl: 'Onze klantendienst is open van maandag tot vrijdag, van 9.00 tot 17.00 uur (Brusselse tijd), behalve op feestdagen.',
      fr: 'Notre service client est ouvert du lundi au vendredi, de 9 h à 17 h (heure de Bruxelles), sauf jours fériés.',
    },
    cards: true,
  },
  {
    user: { en: 'are you open on saturday?', nl: 'zijn jullie open op zaterdag?', fr: 'êtes-vous ouverts le samedi ?' },
    bot: {
      en: 'Our customer service is open Monday to Friday, 9:00 to 17:00 (Brussels time), except public holidays.',
      nl: 'Onze klantendienst is open van maandag tot vrijdag, van 9.00 tot 17.00 uur (Brusselse tijd), behalve op feestdagen.',
      fr: 'Notre service client est ouvert du lundi au vendredi, de 9 h à 17 h (heure de Bruxelles), sauf jours fériés.',
    },
    cards: true,
  },
  {
    user: { en: 'hello', nl: 'hallo', fr: 'bonjour' },
    bot: {
      en: 'Hello! Ask me about our opening hours or an address change — or ask for a person.',
      nl: 'Hallo! Vraag me naar onze openingsuren of een adreswijziging — of vraag naar een medewerker.',
      fr: "Bonjour ! Posez-moi une question sur nos horaires ou un changement d'adresse — ou demandez un conseiller.",
    },
  },
  { user: { en: 'thank you very much', nl: 'dank je wel', fr: 'merci beaucoup' }, bot: { en: "You're welcome! Anything else?", nl: 'Graag gedaan! Nog iets?', fr: 'Avec plaisir ! Autre chose ?' } },
  { user: { en: 'bye', nl: 'tot ziens', fr: 'au revoir' }, bot: { en: 'Goodbye, have a nice day!', nl: 'Tot ziens, nog een fijne dag!', fr: 'Au revoir, bonne journée !' } },
  {
    user: { en: 'my newspaper was not delivered this morning', nl: 'mijn krant is vanochtend niet geleverd', fr: "mon journal n'a pas été livré ce matin" },
    bot: {
      en: "Sorry, I didn't understand that. Do you want to talk to a human agent?",
      nl: 'Sorry, dat begreep ik niet. Wil je met een medewerker praten?',
      fr: "Désolé, je n'ai pas compris. Voulez-vous parler à un conseiller ?",
    },
  },
];

export const ASK_AGENT: Texts = { en: 'I want to speak to a real agent', nl: 'ik wil met een echte medewerker spreken', fr: 'je veux parler à un vrai conseiller' };
export const WAIT: Texts = {
  en: 'A live agent will join this chat as soon as one is free. You can keep asking me questions meanwhile.',
  nl: 'Een medewerker komt in deze chat zodra er een vrij is. Je kunt me ondertussen nog vragen stellen.',
  fr: "Un conseiller rejoindra cette conversation dès qu'il sera disponible. Vous pouvez continuer à me poser des questions.",
};
export const CANCELLED: Texts = {
  en: "Okay, you're no longer waiting for an agent. How else can I help?",
  nl: 'Oké, je wacht niet langer op een medewerker. Waarmee kan ik je nog helpen?',
  fr: "D'accord, vous n'attendez plus de conseiller. Comment puis-je vous aider autrement ?",
};

export const ADDRESS = {
  user: { en: 'I moved, please change my address', nl: 'ik ben verhuisd, pas mijn adres aan', fr: "j'ai déménagé, changez mon adresse" } as Texts,
  askName: { en: "I'll pass your new address to a colleague. What is your full name?", nl: 'Ik geef je nieuwe adres door aan een collega. Wat is je volledige naam?', fr: 'Je transmets votre nouvelle adresse à un collègue. Quel est votre nom complet ?' } as Texts,
  askAddress: { en: 'What is your new address (street, number, postcode, city)?', nl: 'Wat is je nieuwe adres (straat, nummer, postcode, gemeente)?', fr: 'Quelle est votre nouvelle adresse (rue, numéro, code postal, ville) ?' } as Texts,
  askEmail: { en: 'And your email address, so we can confirm the change?', nl: 'En je e-mailadres, zodat we de wijziging kunnen bevestigen?', fr: 'Et votre adresse e-mail, pour confirmer le changement ?' } as Texts,
  thanks: {
    en: 'Thanks {name}! A colleague will update your address to {address}.',
    nl: 'Bedankt {name}! Een collega past je adres aan naar {address}.',
    fr: 'Merci {name} ! Un collègue mettra votre adresse à jour : {address}.',
  } as Texts,
};

/** what users ask an agent */
export const USER_QUESTIONS: Texts[] = [
  { en: 'my paper did not arrive', nl: 'mijn krant is niet aangekomen', fr: "mon journal n'est pas arrivé" },
  { en: 'I was charged twice this month', nl: 'ik heb deze maand twee keer betaald', fr: "j'ai été débité deux fois ce mois-ci" },
  { en: 'can I pause my subscription during the holidays?', nl: 'kan ik mijn abonnement pauzeren tijdens de vakantie?', fr: 'puis-je suspendre mon abonnement pendant les vacances ?' },
  { en: 'I want to cancel my subscription', nl: 'ik wil mijn abonnement opzeggen', fr: 'je veux résilier mon abonnement' },
  { en: 'the app does not show my digital edition', nl: 'de app toont mijn digitale editie niet', fr: "l'application n'affiche pas mon édition numérique" },
  { en: 'my invoice has the wrong VAT number', nl: 'mijn factuur heeft het verkeerde btw-nummer', fr: 'ma facture a le mauvais numéro de TVA' },
  { en: 'the delivery is always late in our street', nl: 'de levering is altijd laat in onze straat', fr: 'la livraison est toujours en retard dans notre rue' },
  { en: 'ok thanks', nl: 'ok bedankt', fr: "d'accord merci" },
];
export const AGENT_REPLIES: Texts[] = [
  { en: 'Hello, how can I help?', nl: 'Dag, waarmee kan ik helpen?', fr: 'Bonjour, comment puis-je vous aider ?' },
  { en: "I'm sorry about that, let me check.", nl: 'Dat spijt me, ik kijk het even na.', fr: 'Je suis désolé, je vérifie.' },
  { en: 'I have sent a replacement copy; it arrives tomorrow.', nl: 'Ik heb een vervangexemplaar gestuurd; het komt morgen.', fr: 'Je vous ai envoyé un exemplaire de remplacement ; il arrive demain.' },
  { en: 'The double charge is refunded within five working days.', nl: 'De dubbele betaling wordt binnen vijf werkdagen terugbetaald.', fr: 'Le double débit est remboursé sous cinq jours ouvrables.' },
  { en: 'Your subscription is paused from the date you chose.', nl: 'Je abonnement is gepauzeerd vanaf de gekozen datum.', fr: 'Votre abonnement est suspendu à partir de la date choisie.' },
  { en: 'I have updated your address in the subscription system.', nl: 'Ik heb je adres aangepast in het abonnementensysteem.', fr: "J'ai mis à jour votre adresse dans le système d'abonnement." },
  { en: 'Is there anything else I can do for you?', nl: 'Kan ik nog iets anders voor je doen?', fr: 'Puis-je faire autre chose pour vous ?' },
];
export const NOTES = [
  'checked the delivery route with logistics',
  'refund approved, ticket in billing',
  'customer called twice already this week',
  'address updated in SAP, confirmation mail sent',
  'escalated to the digital team',
];

export const SURNAMES = ['Janssens', 'Peeters', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambert', 'Dupont', 'Martin', 'Leroy', 'De Vries', 'Van Damme', 'Hermans', 'Michiels', 'Aerts'];
export const FIRST_NAMES = ['Jan', 'Marie', 'Luc', 'An', 'Pieter', 'Sofie', 'Tom', 'Els', 'Marc', 'Lotte', 'Julie', 'Thomas', 'Camille', 'Nathalie', 'Koen', 'Sarah', 'Bart', 'Emma', 'Louis', 'Inge'];
export const STREETS = ['Kerkstraat', 'Stationsstraat', 'Dorpsstraat', 'Rue de la Station', 'Nieuwstraat', 'Molenstraat', 'Rue Haute', 'Schoolstraat', 'Avenue Louise', 'Kapelstraat'];
export const CITIES = ['2000 Antwerpen', '9000 Gent', '3000 Leuven', '1000 Bruxelles', '8000 Brugge', '4000 Liège', '2800 Mechelen', '3500 Hasselt', '5000 Namur', '1050 Ixelles'];

