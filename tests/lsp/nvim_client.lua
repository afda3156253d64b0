-- What every Neovim test of `aeo lsp` does (tests/lsp/nvim.lua,
-- tests/lsp/nvim_operator.lua): open $CATALOG, start `aeo lsp` ($AEO) as a
-- user configures a language server, wait for it to initialize; then say()
-- collects the results, one fact a line, request() asks at a position,
-- wait_for() waits on a condition (vim.wait with a generous timeout:
-- nothing races a sleep), and stop() shuts the server down and writes
-- what was said to $OUT.  Returns a table of those functions and client_id.
local t = { out = {} }
local aeo = vim.fn.fnamemodify(os.getenv("AEO") or "build/aeo", ":p")
local file = os.getenv("CATALOG")

function t.say(s) table.insert(t.out, s) end
function t.finish()
  vim.fn.writefile(t.out, os.getenv("OUT"))
  vim.cmd("qall!")
end
function t.wait_for(what, cond)
  if not vim.wait(30000, cond, 20) then
    t.say("TIMEOUT waiting for " .. what)
    t.finish()
  end
end
-- The result of [method] at the 0-based [line] and [col] of the buffer.
function t.request(method, line, col)
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = col } }
  local res = vim.lsp.buf_request_sync(0, method, params, 30000)
  local r = res and res[t.client_id]
  if not r then return nil end
  if r.error then t.say(method .. " error: " .. r.error.message) end
  return r.result
end
function t.stop()
  vim.lsp.stop_client(t.client_id)
  t.wait_for("the server to exit", function() return vim.lsp.get_client_by_id(t.client_id) == nil end)
  t.say("stopped")
  t.finish()
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
vim.bo.filetype = "aeo"
local config = { name = "aeo", cmd = { aeo, "lsp" }, root_dir = vim.fn.fnamemodify(file, ":p:h") }
if vim.lsp.start then
  t.client_id = vim.lsp.start(config)   -- Neovim 0.8 and later
else
  t.client_id = vim.lsp.start_client(config)   -- Neovim 0.7 (Debian 12)
  vim.lsp.buf_attach_client(0, t.client_id)
end
t.wait_for("initialize", function()
  local c = vim.lsp.get_client_by_id(t.client_id)
  return c ~= nil and c.initialized
end)
return t
