-- Neovim on a catalog someone else wrote (tests/golden/lsp/ed_nvim_operator.cmd):
-- facts called `operator`, enums, lists and comments everywhere
-- (tests/golden/fmt/ed_nordic.aeo).  As tests/lsp/nvim.lua, but the
-- positions are found in the text, not given: the diagnostics, hover and
-- definition of a def, completion of fact paths after `operator.` and of
-- enum values after `operator.kind == "`, hover of a measure (its cite and
-- benefit), then formatting, written to $OUT one fact a line.
local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/nvim_client.lua")
local say, finish, wait_for, request, stop = t.say, t.finish, t.wait_for, t.request, t.stop
wait_for("diagnostics", function() return #vim.diagnostic.get(0) > 0 end)
for _, d in ipairs(vim.diagnostic.get(0)) do
  say(string.format("diagnostic: %d:%d severity %d %s %s", d.lnum + 1, d.col + 1, d.severity, tostring(d.code), d.message))
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
stop()
