// Off-topic phrases for the None class, per language: without them a classifier must pick one of
// the bot's intents for any input (nlp.js scores are not calibrated), so "my cat likes fish" would
// confidently become "opening hours".
export const OFF_TOPIC: Record<string, string[]> = {
  en: [
    'the weather is nice today', 'my cat likes fish', 'who won the football match', 'tell me a joke', 'what is the capital of France',
    'I like pizza with pineapple', 'how tall is the eiffel tower', 'play some music', 'the sky is blue', 'how old are you',
    'recommend a good movie', 'what time is it in tokyo', 'do you like dogs', 'banana pancake recipe', 'quantum physics is hard',
    'my car is red', 'where can I buy shoes', 'sing me a song', 'what is two plus two', 'I am bored',
  ],
  nl: [
    'het weer is mooi vandaag', 'mijn kat houdt van vis', 'wie won de voetbalwedstrijd', 'vertel me een mop', 'wat is de hoofdstad van frankrijk',
    'ik hou van pizza met ananas', 'hoe hoog is de eiffeltoren', 'speel wat muziek', 'de lucht is blauw', 'hoe oud ben jij',
    'raad me een goede film aan', 'hoe laat is het in tokio', 'hou jij van honden', 'recept voor bananenpannenkoeken', 'kwantumfysica is moeilijk',
    'mijn auto is rood', 'waar kan ik schoenen kopen', 'zing een liedje', 'hoeveel is twee plus twee', 'ik verveel me',
  ],
  fr: [
    'il fait beau aujourd hui', 'mon chat aime le poisson', 'qui a gagné le match de foot', 'raconte moi une blague', 'quelle est la capitale de la france',
    'j aime la pizza à l ananas', 'quelle est la hauteur de la tour eiffel', 'joue de la musique', 'le ciel est bleu', 'quel âge as tu',
    'conseille moi un bon film', 'quelle heure est il à tokyo', 'aimes tu les chiens', 'recette de crêpes à la banane', 'la physique quantique est difficile',
    'ma voiture est rouge', 'où acheter des chaussures', 'chante moi une chanson', 'combien font deux plus deux', 'je m ennuie',
  ],
};
