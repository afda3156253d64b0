-- Neovim on a catalog someone else wrote (tests/golden/lsp/ed_nvim_operator.cmd):
-- facts called `operator`, enums, lists and comments everywhere
-- (tests/golden/fmt/ed_nordic.aeo).  As tests/lsp/nvim.lua, but the
-- positions are found in the text, not given: the diagnostics, hover and
-- definition of a def, completion of fact paths after `operator.` and of
-- enum values after `operator.kind == "`, hover of a measure (its cite and
-- benefit), then formatting, written to $OUT one fact a line.
local aeo = vim.fn.fnamemodify(os.getenv("AEO") or "build/aeo", ":p")
local file = os.getenv("CATALOG")
local out = {}
local function say(s) table.insert(out, s) end
local function finish()
  vim.fn.writefile(out, os.getenv("OUT"))
  vim.cmd("qall!")
end
local function wait_for(what, cond)
  if not vim.wait(30000, cond, 20) then
    say("TIMEOUT waiting for " .. what)
    finish()
  end
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
vim.bo.filetype = "aeo"
local config = { name = "aeo", cmd = { aeo, "lsp" }, root_dir = vim.fn.fnamemodify(file, ":p:h") }
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, client_id)
end
wait_for("initialize", function()
  local c = vim.lsp.get_client_by_id(client_id)
  return c ~= nil and c.initialized
end)
wait_for("diagnostics", function() return #vim.diagnostic.get(0) > 0 end)
for _, d in ipairs(vim.diagnostic.get(0)) do
  say(string.format("diagnostic: %d:%d severity %d %s %s", d.lnum + 1, d.col + 1, d.severity, tostring(d.code), d.message))
end

local function request(method, line, col)
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = col } }
  local res = vim.lsp.buf_request_sync(0, method, params, 30000)
  local r = res and res[client_id]
  if not r then return nil end
  if r.error then say(method .. " error: " .. r.error.message) end
  return r.result
end
-- The 0-based line and column of the first [text] in the buffer.
local function find(text)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local c = l:find(text, 1, true)
    if c then return i - 1, c - 1 end
  end
  say("not found: " .. text)
  finish()
end
local function labels(items)
  local l = {}
  for _, it in ipairs(items and (items.items or items) or {}) do table.insert(l, it.label) end
  return table.concat(l, " ")
end

local line, col = find("    nordic &&")
local h = request("textDocument/hover", line, col + 5)
say("hover nordic: " .. (h and h.contents.value:gsub("\n", "\\n") or "none"))
local def = request("textDocument/definition", line, col + 5)
if def and def[1] then def = def[1] end
say("definition of nordic: line " .. (def and def.range.start.line + 1 or 0))
line, col = find('measure N01')
h = request("textDocument/hover", line, col + 9)
say("hover N01: " .. (h and h.contents.value:gsub("\n", "\\n") or "none"))

-- Type two half lines, as a user would, and complete each.
line = find("cite: \"Nordic MoU art. 4\"")
vim.api.nvim_buf_set_lines(0, line, line, false, { "  unless: operator." })
say("completion after operator.: " .. labels(request("textDocument/completion", line, 19)))
vim.api.nvim_buf_set_lines(0, line, line + 1, false, { "  unless: operator.kind == \"" })
say("completion after operator.kind == \": " .. labels(request("textDocument/completion", line, 28)))
vim.api.nvim_buf_set_lines(0, line, line + 1, false, {})

if vim.lsp.buf.format then vim.lsp.buf.format({ timeout_ms = 30000 }) else vim.lsp.buf.formatting_sync(nil, 30000) end
local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
local n = 0
for _ in text:gmatch("//") do n = n + 1 end
say("comments after formatting: " .. n)
vim.lsp.stop_client(client_id)
wait_for("the server to exit", function() return vim.lsp.get_client_by_id(client_id) == nil end)
say("stopped")
finish()
