// Off-topic phrases for the None class, per language: without them a classifier must pick one of
// the bot's intents for any input (nlp.js scores are not calibrated), so "my cat likes fish" would
// confidently become "opening hours".
export const OFF_TOPIC: Record<string, string[]> = {
  en: [
    'the dog is sleeping on the sofa', 'we went to the beach on sunday', 'my brother plays the guitar', 'I read a book about dragons', 'there is a bird in the garden', 'can you fix my bike', 'the train was late again', 'what should I cook for dinner', 'I lost my keys in the park', 'she paints flowers on the wall', 'purple elephants on the moon', 'is it going to rain tomorrow', 'my phone battery is empty', 'the children are playing outside', 'how do I make bread', 'I want a new haircut', 'the cinema is full tonight', 'my neighbour has a loud dog', 'we need more coffee', 'the printer at my office is broken',
    'the weather is nice today', 'my cat likes fish', 'who won the football match', 'tell me a joke', 'what is the capital of France',
    'I like pizza with pineapple', 'how tall is the eiffel tower', 'play some music', 'the sky is blue', 'how old are you',
    'recommend a good movie', 'what time is it in tokyo', 'do you like dogs', 'banana pancake recipe', 'quantum physics is hard',
    'my car is red', 'where can I buy shoes', 'sing me a song', 'what is two plus two', 'I am bored',
  ],
  nl: [
    'de hond slaapt op de bank', 'we gingen zondag naar het strand', 'mijn broer speelt gitaar', 'ik lees een boek over draken', 'er zit een vogel in de tuin', 'kun je mijn fiets maken', 'de trein was weer te laat', 'wat moet ik koken vanavond', 'ik ben mijn sleutels kwijt in het park', 'zij schildert bloemen op de muur', 'paarse olifanten op de maan', 'gaat het morgen regenen', 'mijn telefoon is leeg', 'de kinderen spelen buiten', 'hoe maak ik brood', 'ik wil een nieuw kapsel', 'de bioscoop is vol vanavond', 'mijn buurman heeft een luide hond', 'we hebben meer koffie nodig', 'de printer op mijn werk is kapot', 'mijn hond eet graag kaas', 'het is koud op de fiets', 'ik hou van de zee', 'de kat zit op het dak', 'een ijsje met aardbeien',
    'het weer is mooi vandaag', 'mijn kat houdt van vis', 'wie won de voetbalwedstrijd', 'vertel me een mop', 'wat is de hoofdstad van frankrijk',
    'ik hou van pizza met ananas', 'hoe hoog is de eiffeltoren', 'speel wat muziek', 'de lucht is blauw', 'hoe oud ben jij',
    'raad me een goede film aan', 'hoe laat is het in tokio', 'hou jij van honden', 'recept voor bananenpannenkoeken', 'kwantumfysica is moeilijk',
    'mijn auto is rood', 'waar kan ik schoenen kopen', 'zing een liedje', 'hoeveel is twee plus twee', 'ik verveel me',
  ],
  fr: [
    'le chien dort sur le canapé', 'nous sommes allés à la plage dimanche', 'mon frère joue de la guitare', 'je lis un livre sur les dragons', 'il y a un oiseau dans le jardin', 'peux-tu réparer mon vélo', 'le train était encore en retard', 'que dois-je cuisiner ce soir', "j'ai perdu mes clés dans le parc", 'elle peint des fleurs sur le mur', 'des éléphants violets sur la lune', 'va-t-il pleuvoir demain', 'la batterie de mon téléphone est vide', 'les enfants jouent dehors', 'comment faire du pain', 'je veux une nouvelle coupe de cheveux', 'le cinéma est complet ce soir', 'mon voisin a un chien bruyant', 'il nous faut plus de café', "l'imprimante du bureau est en panne",
    'il fait beau aujourd hui', 'mon chat aime le poisson', 'qui a gagné le match de foot', 'raconte moi une blague', 'quelle est la capitale de la france',
    'j aime la pizza à l ananas', 'quelle est la hauteur de la tour eiffel', 'joue de la musique', 'le ciel est bleu', 'quel âge as tu',
    'conseille moi un bon film', 'quelle heure est il à tokyo', 'aimes tu les chiens', 'recette de crêpes à la banane', 'la physique quantique est difficile',
    'ma voiture est rouge', 'où acheter des chaussures', 'chante moi une chanson', 'combien font deux plus deux', 'je m ennuie',
  ],
};
