/** Common forenames and surnames in England, for demo pupils, contacts and staff. */
// biome-ignore format: a data table reads best packed
export const GIRLS_NAMES = [
  "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie", "Sophia",
  "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Sofia",
  "Evie", "Charlotte", "Harper", "Millie", "Matilda", "Maya", "Sophie", "Alice", "Emilia", "Isabelle", "Ruby",
  "Zara", "Aisha", "Fatima", "Maryam", "Amira", "Hannah", "Chloe", "Jessica", "Layla", "Niamh", "Priya", "Anaya",
  "Zainab", "Esme", "Molly", "Lucy", "Eliza", "Nancy", "Imogen", "Bethany", "Keira", "Leah", "Megan", "Tia",
] as const;

// biome-ignore format: a data table reads best packed
export const BOYS_NAMES = [
  "Muhammad", "Noah", "Oliver", "George", "Leo", "Arthur", "Oscar", "Theodore", "Freddie", "Henry", "Archie",
  "Jack", "Alfie", "Charlie", "Finley", "Thomas", "Harry", "Lucas", "Isaac", "Jacob", "Teddy", "Tommy", "Luca",
  "Edward", "James", "Joshua", "Reggie", "Max", "Elijah", "Ethan", "Mason", "Samuel", "Albie", "Ibrahim",
  "Yusuf", "Adam", "Ali", "Omar", "Aarav", "Kai", "Logan", "Dylan", "Riley", "Harrison", "Jayden", "Kian",
  "Callum", "Connor", "Daniel", "Ryan", "Tyler", "Kacper", "Jakub", "Ayaan", "Zayn", "Rhys", "Owen", "Ben",
] as const;

// biome-ignore format: a data table reads best packed
export const SURNAMES = [
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
  "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood",
  "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore", "Clark", "King",
  "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker",
  "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook", "Singh",
  "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Cox", "Hussain", "Marshall", "Simpson",
  "Price", "Anderson", "Adams", "Wilkinson", "Ali", "Ahmed", "Foster", "Ellis", "Murphy", "Chapman", "Mason",
  "Gray", "Richards", "Webb", "Griffiths", "Hunt", "Palmer", "Campbell", "Holmes", "Mills", "Rogers", "Barnes",
  "Knight", "Matthews", "Barker", "Powell", "Stevens", "Kaur", "Fisher", "Butler", "Dixon", "Russell", "Harvey",
  "Pearson", "Graham", "Okafor", "Mensah", "Nowak", "Kowalski", "Rahman", "Chowdhury", "Osei", "Adeyemi",
] as const;
