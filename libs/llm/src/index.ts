export { DEFAULT_LLM_FILE, defaultLlmPath } from "./default-model.ts";
export { ChatActivity } from "./chat-activity.ts";
export { NodeLlamaCppLlm, type NodeLlamaCppOptions } from "./node-llama-cpp.ts";
export { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from "./openai-compatible.ts";
export {
  type AdapterInfo,
  type ChatMessage,
  type GenerateRequest,
  type Generation,
  type Llm,
  LlmBusyError,
  LlmUnavailableError,
  type Priority,
  PromptTooLongError,
} from "./port.ts";
export { applyStops, PROMPT_FORMATS, type PromptFormatName } from "./prompt-format.ts";
