import { describe, expect, it } from "vitest";
import { groupQuestions, type QuestionDocument } from "./frequent-questions.js";
import { questionTerms } from "./question-terms.js";

/** A small deterministic generator, so a failure names a corpus that can be regenerated. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Five questions customers ask, each in several wordings: subjects, openings and details vary. */
const plantedTopics = [
  {
    subjects: [
      "Password reset link expired",
      "Can't reset my password",
      "Reset password email link not working",
      "The password reset link has expired",
      "Forgot password, reset link expires",
    ],
    details: [
      "I requested a password reset but the link in the email says it expired.",
      "Every reset link I get is already expired when I click it.",
      "The password reset email arrives but the link shows an expired page.",
      "Clicking the reset link gives an error that the link expired, so I cannot reset my password.",
    ],
  },
  {
    subjects: [
      "Charged twice for my invoice",
      "Double charge on credit card",
      "Invoice billed twice this month",
      "Duplicate charge on my card",
      "We were charged twice",
    ],
    details: [
      "My credit card shows two charges for the same invoice this month.",
      "The invoice was charged twice to our card, please refund the duplicate charge.",
      "Our billing statement has a double charge for one invoice.",
      "I see a duplicate payment on the card for the invoice, charged twice.",
    ],
  },
  {
    subjects: [
      "CSV export times out",
      "Export to CSV never finishes",
      "Report export timeout",
      "Cannot export report as CSV",
      "CSV download of report times out",
    ],
    details: [
      "When I export the monthly report to CSV the export times out after a minute.",
      "The CSV export of our report spins and then fails with a timeout.",
      "Exporting the report as a CSV file gives a timeout error every time.",
      "Our report is large and the CSV export always times out before the download starts.",
    ],
  },
  {
    subjects: [
      "Add a teammate to our workspace",
      "How do I invite a colleague?",
      "Invite new teammate to workspace",
      "Inviting colleagues to the workspace",
      "Can't invite teammate",
    ],
    details: [
      "How can I invite a new teammate to our workspace so they can see our projects?",
      "I want to add a colleague to the workspace but cannot find where to invite them.",
      "We hired a new colleague, how do I send an invite to join our workspace?",
      "The invite button for adding a teammate to the workspace is missing for me.",
    ],
  },
  {
    subjects: [
      "Two-factor codes rejected",
      "Authenticator code not accepted",
      "2FA code invalid every time",
      "Two-factor authentication code fails",
      "My authenticator codes don't work",
    ],
    details: [
      "The six digit code from my authenticator app is rejected as invalid.",
      "Every two-factor code I enter from the authenticator says the code is wrong.",
      "Sign in fails at the two-factor step: the authenticator code is never accepted.",
      "My phone's authenticator app gives a code but the two-factor screen rejects it.",
    ],
  },
] as const;

const openings = ["Hello,", "Hi team,", "Good morning.", "", "Hey there,", "Dear support,"];
const closings = ["Thanks!", "Regards, Sam", "", "Please help asap.", "Thank you in advance.", "Cheers"];

/** Everyday words from other matters, drawn at random: tickets that share no question. */
const noiseVocabulary = (
  "calendar sync webhook timezone shipment warehouse pallet courier customs label printer driver " +
  "firmware router bandwidth latency dashboard widget chart legend theme font logo banner coupon " +
  "discount voucher loyalty points referral survey feedback newsletter unsubscribe spam folder " +
  "attachment upload size limit gallery thumbnail video playback subtitle audio microphone camera " +
  "meeting room booking reservation cancellation refund policy contract renewal signature notary " +
  "passport visa travel flight hotel luggage parking permit badge door access elevator heating " +
  "plumbing leak ceiling paint furniture desk chair monitor keyboard mouse cable adapter battery " +
  "charger tablet stylus license seat quota storage archive retention backup restore mirror " +
  "translation language locale currency tax vat receipt stamp postage envelope parcel tracking " +
  "recipe menu allergy delivery driver tip rating review complaint compliment suggestion idea " +
  "roadmap beta feature flag experiment pricing tier upgrade downgrade trial onboarding tutorial"
).split(" ");

function plantedCorpus(random: Random) {
  const documents: (QuestionDocument & { topic: number | null })[] = [];
  plantedTopics.forEach((topic, index) => {
    for (let n = 0; n < 30; n += 1) {
      const body = `${pick(random, openings)} ${pick(random, topic.details)} ${pick(random, closings)}`;
      documents.push({
        id: `topic${index}-${n}`,
        topic: index,
        terms: questionTerms(pick(random, topic.subjects), body),
      });
    }
  });
  for (let n = 0; n < 300; n += 1) {
    const words = Array.from({ length: 6 + Math.floor(random() * 8) }, () => pick(random, noiseVocabulary));
    documents.push({
      id: `noise-${n}`,
      topic: null,
      terms: questionTerms(words.slice(0, 3).join(" "), `${pick(random, openings)} ${words.join(" ")}.`),
    });
  }
  // Tickets arrive interleaved, not topic by topic.
  for (let i = documents.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [documents[i], documents[j]] = [
      documents[j] as (typeof documents)[number],
      documents[i] as (typeof documents)[number],
    ];
  }
  return documents;
}

describe("groupQuestions", () => {
  for (const seed of [7, 2026, 424242]) {
    it(`recovers five planted questions among 300 unrelated tickets (seed ${seed})`, () => {
      const corpus = plantedCorpus(seededRandom(seed));
      const topicOf = new Map(corpus.map((document) => [document.id, document.topic]));
      const groups = groupQuestions(corpus);

      plantedTopics.forEach((_, topic) => {
        // The group holding most of this topic's tickets.
        const best = groups
          .map((group) => ({
            group,
            hits: group.memberIds.filter((id) => topicOf.get(id) === topic).length,
          }))
          .sort((a, b) => b.hits - a.hits)[0];
        expect(best, `topic ${topic} found no group`).toBeDefined();
        const { group, hits } = best as NonNullable<typeof best>;
        const recall = hits / 30;
        const purity = hits / group.memberIds.length;
        expect(recall, `topic ${topic} recall`).toBeGreaterThanOrEqual(0.9);
        expect(purity, `topic ${topic} purity`).toBeGreaterThanOrEqual(0.9);
        expect(group.memberIds.filter((id) => topicOf.get(id) === null)).toEqual([]);
      });
      // The five planted questions are the five largest groups.
      const largest = groups.slice(0, 5).map((group) => topicOf.get(group.memberIds[0] as string));
      expect(new Set(largest)).toEqual(new Set([0, 1, 2, 3, 4]));
    });
  }

  it("names a group by its telling terms and puts its most typical ticket first", () => {
    const documents = [
      { id: "a", terms: questionTerms("Password reset link expired", "The reset link expired.") },
      { id: "b", terms: questionTerms("Reset link expired", "My password reset link has expired.") },
      {
        id: "c",
        terms: questionTerms("Password reset link expired again", "Reset link expired, password stuck."),
      },
      { id: "d", terms: questionTerms("Invoice charged twice", "Our card was charged twice.") },
      { id: "e", terms: questionTerms("Printer firmware", "The printer driver crashes.") },
    ];
    const groups = groupQuestions(documents);
    expect(groups).toHaveLength(1);
    expect(new Set(groups[0]?.memberIds)).toEqual(new Set(["a", "b", "c"]));
    expect(groups[0]?.topTerms.slice(0, 3).sort()).toEqual(["expire", "link", "reset"]);
  });

  it("returns nothing for no tickets, and leaves tickets without words alone", () => {
    expect(groupQuestions([])).toEqual([]);
    expect(
      groupQuestions([
        { id: "x", terms: [] },
        { id: "y", terms: [] },
        { id: "z", terms: [] },
      ]),
    ).toEqual([]);
  });
});
