-- Per-agent knowledge scope (src/knowledge/scope.ts): the documents an AI employee's kb_search may
-- read; null = the tenant's whole knowledge base. A deleted document's id simply matches nothing.
ALTER TABLE "agents" ADD COLUMN "knowledge_documents" uuid[];
