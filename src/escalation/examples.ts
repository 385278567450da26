/**
 * Labelled examples shipped with the appliance: the sentiment scorer compares a message with these
 * (by the local embedding model), and the built-in topics are recognised the same way. Written by
 * hand; the accuracy test (sentiment.test.ts) uses a separate set, never these.
 */
import type { EscalationTopic } from "./types.ts";

export const SENTIMENT_EXAMPLES: Record<"positive" | "neutral" | "negative", string[]> = {
  positive: [
    "Thank you so much, that was really helpful!",
    "Great, this works perfectly now.",
    "You are amazing, problem solved.",
    "Awesome, I really appreciate your help.",
    "Perfect, exactly what I needed.",
    "Thanks, have a wonderful day!",
    "I love this service, keep it up.",
    "That's brilliant, thanks for the quick answer.",
  ],
  neutral: [
    "What are your opening hours?",
    "How do I change my password?",
    "Can you send me the invoice for March?",
    "I would like to update my delivery address.",
    "Where can I find the user manual?",
    "Is the product available in blue?",
    "What is the status of my order?",
    "Please remind me tomorrow at nine.",
    "How much does the premium plan cost?",
    "Can I pay by bank transfer?",
  ],
  negative: [
    "This is absolutely unacceptable, I am furious!",
    "You people are useless, worst service ever.",
    "I'm sick and tired of this garbage, fix it now!",
    "This is a total scam, I want my money back immediately.",
    "I hate this, nothing ever works.",
    "Are you stupid? I already told you three times!",
    "I am extremely angry and disappointed.",
    "What a joke, you ruined everything.",
    "This is ridiculous, I've been waiting for weeks!",
    "Terrible experience, I will never buy from you again.",
  ],
};

/** Topics every agent can name in a condition; an agent's own `topics` add to or replace these by name. */
export const BUILTIN_TOPICS: EscalationTopic[] = [
  {
    name: "billing_dispute",
    description: "The customer disputes a charge, an invoice or a bill as wrong.",
    examples: [
      "I was charged twice for the same order",
      "This invoice is wrong, I never ordered that",
      "Why is my bill so high this month? I dispute this charge",
      "You billed me for a subscription I cancelled",
    ],
  },
  {
    name: "refunds",
    description: "The customer wants a refund or their money back.",
    examples: ["I want a refund", "Please give me my money back", "How do I get reimbursed for this order?", "Refund my purchase"],
  },
  {
    name: "legal",
    description: "Legal matters: lawyers, lawsuits, legal threats, contracts and liability.",
    examples: ["I will sue you", "My lawyer will contact you", "Is this contract legally binding?", "I am taking legal action against your company"],
  },
];
