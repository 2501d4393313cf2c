import { parentPort, workerData } from "node:worker_threads";
import { groupQuestions } from "./frequent-questions.js";
import { questionTerms } from "./question-terms.js";

/**
 * The thread `groupQuestionsInThread` starts: reads the tickets' words with the English model and
 * groups them, then ends, and the model's memory ends with it.
 */
export interface QuestionGroupingInput {
  tickets: { id: string; subject: string; first_message: string | null }[];
}

const { tickets } = workerData as QuestionGroupingInput;
parentPort?.postMessage(
  groupQuestions(
    tickets.map((ticket) => ({
      id: ticket.id,
      terms: questionTerms(ticket.subject, ticket.first_message ?? ""),
    })),
  ),
);
