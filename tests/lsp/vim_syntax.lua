-- The Vim syntax plugin (lang/cli/editor/vim) in Neovim headless
-- (tests/golden/lsp/lsp_vim_syntax.cmd): filetype detection on $SAMPLE,
-- then each line of it as its runs of one syntax group, `Group[text]`
-- (text outside any group is left out), written to $OUT.
vim.opt.runtimepath:prepend(vim.fn.fnamemodify("lang/cli/editor/vim", ":p"))
vim.cmd("filetype on")
vim.cmd("syntax on")
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SAMPLE")))
local out = { "filetype: " .. vim.bo.filetype }
for l = 1, vim.fn.line("$") do
  local text = vim.fn.getline(l)
  local runs, group, start = {}, nil, 1
  for c = 1, #text + 1 do
    local g = c <= #text and vim.fn.synIDattr(vim.fn.synID(l, c, 1), "name") or "<end>"
    if g ~= group then
      if group and group ~= "" then table.insert(runs, group .. "[" .. text:sub(start, c - 1) .. "]") end
      group, start = g, c
    end
  end
  table.insert(out, l .. ": " .. table.concat(runs, " "))
end
vim.fn.writefile(out, os.getenv("OUT"))
vim.cmd("qall!")
